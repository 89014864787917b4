package main

import (
	"bytes"
	"html/template"
	"net/http"
	"strings"

	"github.com/rendition-go/rendition/negotiate"
	"github.com/rendition-go/rendition/signing"
)

// demo is one picture on the demo page: a URL and what it shows.
type demo struct {
	Title string
	URL   string
}

// Sizes is the img element's sizes attribute for pictures that use the
// width hint: browsers send Sec-CH-Width only for images that have one.
func (d demo) Sizes() string {
	if strings.Contains(d.URL, "ch=width") {
		return "200px"
	}
	return ""
}

// section groups the demos of one family of parameters.
type section struct {
	Title, Note string
	Demos       []demo
	Links       []demo // URLs shown as links rather than pictures
}

// demoSections lists every supported parameter on the embedded samples.
var demoSections = []section{
	{Title: "Size", Note: "w and h in pixels or as fractions of the source; the aspect ratio is kept when one is missing; dpr multiplies.", Demos: []demo{
		{"w=300", "/sunset.jpg?w=300"},
		{"h=150", "/sunset.jpg?h=150"},
		{"w=0.05 (5% of the width)", "/sunset.jpg?w=0.05"},
		{"w=150&dpr=2", "/sunset.jpg?w=150&dpr=2"},
		{"width=200 (alias)", "/friends-portrait.jpg?width=200"},
		{"w64=MjAw (base64 of 200)", "/friends-portrait.jpg?w64=MjAw"},
	}},
	{Title: "Fit", Note: "How the image meets a 240x240 box.", Demos: []demo{
		{"fit=clip (default)", "/sunset.jpg?w=240&h=240&fit=clip"},
		{"fit=crop", "/sunset.jpg?w=240&h=240&fit=crop"},
		{"fit=max (never upscales)", "/animated-8f.gif?w=240&h=240&fit=max"},
		{"fit=min (crop, never upscales)", "/animated-8f.gif?w=240&h=240&fit=min"},
		{"fit=scale (stretch)", "/sunset.jpg?w=240&h=240&fit=scale"},
		{"fit=fill&bg=334455", "/sunset.jpg?w=240&h=240&fit=fill&bg=334455"},
		{"fit=fillmax&fill-color=eee", "/animated-8f.gif?w=240&h=240&fit=fillmax&fill-color=eee"},
		{"fit=clamp (edges extended)", "/sunset.jpg?w=240&h=240&fit=clamp"},
	}},
	{Title: "Crop", Note: "Which part fit=crop keeps; ar and rect.", Demos: []demo{
		{"crop=top,left", "/sunset.jpg?w=200&h=200&fit=crop&crop=top,left"},
		{"crop=bottom,right", "/sunset.jpg?w=200&h=200&fit=crop&crop=bottom,right"},
		{"crop=focalpoint&fp-x=0.7&fp-y=0.4&fp-z=3", "/sunset.jpg?w=200&h=200&fit=crop&crop=focalpoint&fp-x=0.7&fp-y=0.4&fp-z=3"},
		{"ar=16:9&w=300&fit=crop", "/friends-portrait.jpg?ar=16:9&w=300&fit=crop"},
		{"rect=0.25,0.25,0.5,0.5&w=300", "/sunset.jpg?rect=0.25,0.25,0.5,0.5&w=300"},
		{"rect=center,middle,800,800&w=200", "/sunset.jpg?rect=center,middle,800,800&w=200"},
		{"h=100&ar=4:1&fit=crop&max-w=300", "/sunset.jpg?h=100&ar=4:1&fit=crop&max-w=300"},
		{"w=40&min-w=120", "/sunset.jpg?w=40&min-w=120"},
	}},
	{Title: "Orientation", Note: "The phone photo is stored sideways with EXIF orientation 6: it is always shown upright unless orient says otherwise.", Demos: []demo{
		{"w=200 (EXIF applied)", "/phone-note10-exif6.jpg?w=200"},
		{"orient=1 (as stored)", "/phone-note10-exif6.jpg?w=200&orient=1"},
		{"rot=90", "/sunset.jpg?w=150&rot=90"},
		{"rot=180", "/sunset.jpg?w=200&rot=180"},
		{"flip=h", "/sunset.jpg?w=200&flip=h"},
		{"flip=v", "/sunset.jpg?w=200&flip=v"},
	}},
	{Title: "Format and quality", Note: "fm picks the output format; q the lossy quality (75 by default); auto=compress lowers it to 45.", Demos: []demo{
		{"fm=webp", "/sunset.jpg?w=300&fm=webp"},
		{"fm=png", "/sunset.jpg?w=300&fm=png"},
		{"fm=gif (palette)", "/sunset.jpg?w=300&fm=gif"},
		{"q=5", "/sunset.jpg?w=300&q=5"},
		{"q=95", "/sunset.jpg?w=300&q=95"},
		{"auto=compress", "/sunset.jpg?w=300&auto=compress"},
	}},
	{Title: "Negotiation and client hints", Note: "auto=format sends WebP to browsers that list it in Accept, else keeps a JPEG, PNG or GIF; ch=width,dpr lets the browser's Sec-CH-Width and Sec-CH-DPR (asked for by this page's Accept-CH) size the image; ch=save-data lowers the quality when Save-Data is on. Open the browser's network panel to see the Content-Type and Vary of each.", Demos: []demo{
		{"auto=format", "/sunset.jpg?w=300&auto=format"},
		{"auto=format on a PNG with alpha", "/dice-alpha.png?w=240&auto=format"},
		{"ch=width,dpr (sizes=200px)", "/friends-portrait.jpg?w=400&ch=width,dpr"},
		{"ch=save-data", "/sunset.jpg?w=300&ch=save-data"},
	}},
	{Title: "Transparency and colour", Note: "bg shows through transparent pixels; formats without alpha get white; colours are hex (RGB, ARGB, RRGGBB, AARRGGBB) or CSS names.", Demos: []demo{
		{"PNG with alpha", "/dice-alpha.png?w=240"},
		{"fm=jpg (white behind)", "/dice-alpha.png?w=240&fm=jpg"},
		{"bg=orange", "/dice-alpha.png?w=240&bg=orange"},
		{"bg=80ff0000 (half-transparent red)", "/dice-alpha.png?w=240&bg=80ff0000"},
		{"fm=webp&lossless=1", "/dice-alpha.png?w=240&fm=webp&lossless=1"},
		{"WebP source", "/dice-lossy-alpha.webp?w=240"},
		{"fit=fill, transparent padding", "/dice-alpha.png?w=240&h=240&fit=fill"},
		{"GIF source (first frame)", "/animated-8f.gif?w=120"},
	}},
	{Title: "ImageKit dialect", Note: "The same transformations in ImageKit's syntax: tr: in the path or ?tr=, steps separated by ':' and applied in order.", Demos: []demo{
		{"tr:w-240,h-160 (maintain_ratio)", "/tr:w-240,h-160/sunset.jpg"},
		{"?tr=w-200:rt-90 (resize, then rotate)", "/sunset.jpg?tr=w-200:rt-90"},
		{"tr:cm-extract,w-800,h-800,fo-center", "/tr:cm-extract,w-800,h-800,fo-center:w-200/sunset.jpg"},
		{"tr:w-200,f-webp,q-50", "/tr:w-200,f-webp,q-50/friends-portrait.jpg"},
	}},
	{Title: "Downloads and errors", Note: "dl asks the browser to save the file; bad requests are answered with a status, an X-Rendition-Error code and a message naming the problem.", Links: []demo{
		{"dl=sunset-small.jpg", "/sunset.jpg?w=400&dl=sunset-small.jpg"},
		{"400 EINVAL: w=abc", "/sunset.jpg?w=abc"},
		{"400 EINVAL: an unknown parameter", "/sunset.jpg?size=300"},
		{"400 EINVAL: a parameter not supported yet", "/sunset.jpg?blur=20"},
		{"404 ENOENT", "/missing.jpg?w=100"},
		{"413 ELIMIT: output over 50 MP", "/sunset.jpg?w=8192&h=8192&fit=scale"},
	}},
}

var demoTemplate = template.Must(template.New("demo").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Rendition demo</title>
<style>
body { font: 15px/1.4 system-ui, sans-serif; margin: 2rem; color: #222; }
h2 { margin-top: 2.5rem; border-bottom: 1px solid #ddd; }
.grid { display: flex; flex-wrap: wrap; gap: 1.25rem; align-items: flex-start; }
figure { margin: 0; max-width: 320px; }
figure img { display: block; max-width: 320px; background: repeating-conic-gradient(#ccc 0 25%, #fff 0 50%) 0 0 / 16px 16px; }
figcaption { font-size: 13px; margin-top: .3rem; }
code { font-size: 12px; word-break: break-all; color: #555; }
</style></head><body>
<h1>Rendition</h1>
<p>Every picture below is rendered on request from the sample images by the URL written under it.
Edit any URL in the address bar to try other values.</p>
{{if not .Samples}}<p>This server serves its own origin: request <code>/{path}?{parameters}</code>.
The pictures below assume the sample images, which this origin may not have.</p>{{end}}
{{range .Sections}}<section><h2>{{.Title}}</h2><p>{{.Note}}</p>
<div class="grid">{{range .Demos}}
<figure><img src="{{.URL}}" alt="{{.Title}}" loading="lazy"{{if .Sizes}} sizes="{{.Sizes}}"{{end}}><figcaption>{{.Title}}<br><code>{{.URL}}</code></figcaption></figure>{{end}}
</div>{{with .Links}}<ul>{{range .}}<li><a href="{{.URL}}">{{.Title}}</a>: <code>{{.URL}}</code></li>{{end}}</ul>{{end}}
</section>{{end}}
<footer><p>Sample photographs: sunset and friends by Aitzol Berasategi (CC BY 4.0); others under the licences in the samples folder.</p></footer>
</body></html>`))

// demoPage serves the demo page, rendered once. With a signer, every URL on
// the page is signed, as an application would sign the URLs it publishes.
func demoPage(samples bool, signer signing.Signer) http.Handler {
	sections := demoSections
	if signer != nil {
		sections = signedSections(signer)
	}
	var buf bytes.Buffer
	if err := demoTemplate.Execute(&buf, map[string]any{"Sections": sections, "Samples": samples}); err != nil {
		panic(err) // the template and its data are constants: a failure is a bug caught by the tests
	}
	page := buf.Bytes()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Accept-CH", negotiate.AcceptCH)
		w.Header().Set("Cache-Control", "no-cache")
		w.Write(page)
	})
}

// signedSections returns a copy of the demo sections with signed URLs.
func signedSections(signer signing.Signer) []section {
	sign := func(demos []demo) []demo {
		out := make([]demo, len(demos))
		for i, d := range demos {
			path, query, _ := strings.Cut(d.URL, "?")
			out[i] = demo{Title: d.Title, URL: path + "?" + signer.Sign(path, query)}
		}
		return out
	}
	out := make([]section, len(demoSections))
	for i, s := range demoSections {
		out[i] = section{Title: s.Title, Note: s.Note, Demos: sign(s.Demos), Links: sign(s.Links)}
	}
	return out
}
