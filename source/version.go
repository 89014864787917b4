package source

// Version is the release of Rendition this package belongs to. Sources that
// make HTTP requests identify themselves with the User-Agent
// "rendition/" + Version.
const Version = "0.1.0"

// userAgent is the User-Agent of every HTTP request made by this package.
const userAgent = "rendition/" + Version
