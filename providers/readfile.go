package providers

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"syscall"
)

// ErrTooLarge: a file holds more than its reader's limit, so it is not the
// file it was meant to be (a mistyped path: a log, /dev/zero).
var ErrTooLarge = errors.New("larger than the limit")

// ErrNotRegular: the path names a FIFO, socket or device, which a read
// could wait on forever or never finish.
var ErrNotRegular = errors.New("not a regular file (a FIFO, socket or device)")

// ReadFileLimited reads path, a regular file (symlinks followed) of at
// most limit bytes, for the engine's reads of files a user names: configs,
// key files, token files. Every error is an *fs.PathError naming the path,
// never the content, so errors.Is(err, fs.ErrNotExist) and FileError work
// on it: its cause is the os error, syscall.EISDIR for a directory,
// ErrNotRegular, or ErrTooLarge naming the limit.
//
// The front does not use it: staticread reads with bare system calls,
// because an os.File costs the warm `get` a poller check and a finalizer.
func ReadFileLimited(path string, limit int64) ([]byte, error) {
	data, _, err := ReadFileLimitedInfo(path, limit)
	return data, err
}

// ReadFileLimitedInfo is ReadFileLimited that also returns what the open
// file is (its mode, for warnings about who else may change it).
func ReadFileLimitedInfo(path string, limit int64) ([]byte, fs.FileInfo, error) {
	// Non-blocking, so that opening a FIFO does not wait for a writer; it
	// changes nothing for the regular file that is then read.
	f, err := os.OpenFile(path, os.O_RDONLY|openNonBlock, 0)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	info, err := f.Stat()
	switch {
	case err != nil:
		return nil, nil, err
	case info.IsDir():
		return nil, nil, &fs.PathError{Op: "read", Path: path, Err: syscall.EISDIR}
	case !info.Mode().IsRegular():
		return nil, nil, &fs.PathError{Op: "read", Path: path, Err: ErrNotRegular}
	}
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, nil, err // an *fs.PathError from os
	}
	if int64(len(data)) > limit {
		return nil, nil, &fs.PathError{Op: "read", Path: path, Err: fmt.Errorf("%w of %d bytes", ErrTooLarge, limit)}
	}
	return data, info, nil
}
