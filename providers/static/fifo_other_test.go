//go:build !unix

package static

import "errors"

func makeFIFO(string) error { return errors.ErrUnsupported }
