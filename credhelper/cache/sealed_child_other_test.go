//go:build !linux

package cache

import "errors"

func childSealQuota() error { return errors.New("sealed stores need Linux") }

func childSealSeccomp() error { return errors.New("sealed stores need Linux") }
