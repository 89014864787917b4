package transform_test

import (
	"errors"
	"fmt"
	"net/url"

	"github.com/rendition-go/rendition/transform"
)

func ExampleParseQuery() {
	q, err := url.ParseQuery("width=300&h=200&fit=crop&crop=top&auto=format,compress&q=45&bg=red")
	if err != nil {
		panic(err)
	}
	p, err := transform.ParseQuery(q)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(p.Width, p.Height, p.Fit, p.Crop == transform.CropTop, *p.Background)
	fmt.Println(p.Encode()) // q=45 is the default with auto=compress

	_, err = transform.ParseQuery(url.Values{"w": {"9000"}})
	fmt.Println(err)
	var pe *transform.ParamError
	if errors.As(err, &pe) {
		fmt.Println(pe.Param, pe.Reason)
	}
	_, err = transform.ParseQuery(url.Values{"blur": {"20"}})
	fmt.Println(err)
	// Output:
	// 300 200 crop true {255 0 0 255}
	// auto=format%2Ccompress&bg=ff0000&crop=top&fit=crop&h=200&w=300
	// parameter w="9000": must be a fraction in (0, 1] or a whole number of pixels from 2 to 8192
	// w must be a fraction in (0, 1] or a whole number of pixels from 2 to 8192
	// parameter blur="20": not supported yet
}

func ExampleParams_Encode() {
	for _, raw := range []string{"w=300&fit=clip&dpr=1", "width=300.0", "w64=MzAw"} {
		q, _ := url.ParseQuery(raw)
		p, err := transform.ParseQuery(q)
		if err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Printf("%-22s -> %s\n", raw, p.Encode())
	}
	// Output:
	// w=300&fit=clip&dpr=1   -> w=300
	// width=300.0            -> w=300
	// w64=MzAw               -> w=300
}

func ExampleParseColor() {
	for _, s := range []string{"f00", "80ff0000", "RebeccaPurple", "#fff"} {
		c, err := transform.ParseColor(s)
		if err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Printf("%s: %v\n", s, c)
	}
	// Output:
	// f00: {255 0 0 255}
	// 80ff0000: {255 0 0 128}
	// RebeccaPurple: {102 51 153 255}
	// transform: bad colour "#fff": want 3, 4, 6 or 8 hex digits (alpha first) or a CSS colour name
}
