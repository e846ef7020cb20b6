package redistest

import (
	"os"
	"syscall"
)

var sigterm os.Signal = syscall.SIGTERM

// sysProcAttr asks the kernel to kill redis-server when the OS thread that
// started it exits, so that a test binary killed by a timeout leaves no
// server behind. The Go runtime ends threads only in rare cases (a
// goroutine that exits while locked to its thread), which would stop the
// server early; nothing in the tests does that.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
