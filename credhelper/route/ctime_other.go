//go:build unix && !linux && !darwin

package route

import "syscall"

// ctime is not read here (Stat_t spells it differently on each system);
// the modification time, size and inode must do.
func ctime(*syscall.Stat_t) int64 { return 0 }
