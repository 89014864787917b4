// Package version holds the release of Rendition, for the packages that
// identify themselves to other services.
package version

// Version is the release of Rendition.
const Version = "0.1.0"

// UserAgent is the User-Agent of the HTTP requests Rendition makes.
const UserAgent = "rendition/" + Version
