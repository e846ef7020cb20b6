package redistest

import (
	"os"
	"syscall"
)

var sigterm os.Signal = syscall.SIGTERM

// sysProcAttr sets Pdeathsig: the kernel kills redis-server when the OS
// thread that started it exits, so a test binary killed by a timeout
// leaves no server behind. The Go runtime ends a thread only when a
// goroutine exits while locked to it, which would stop the server early.
// Nothing here locks a goroutine to its thread.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
