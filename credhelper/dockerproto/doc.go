// Package dockerproto is the Docker credential-helper protocol's wire
// format, shared by the front binary and the engine so both answer byte for
// byte alike: the request on stdin, the JSON answer, and the error texts
// clients recognise.
package dockerproto
