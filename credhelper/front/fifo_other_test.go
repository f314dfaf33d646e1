//go:build !unix

package front

import "errors"

func mkfifo(string) error { return errors.ErrUnsupported }
