//go:build !linux

package redistest

import (
	"os"
	"syscall"
)

var sigterm os.Signal = syscall.SIGTERM

// sysProcAttr sets nothing: only Linux can tie the child's life to ours.
func sysProcAttr() *syscall.SysProcAttr { return nil }
