//go:build !js

package readfile

import "syscall"

// nonBlock is the open flag that keeps opening a named pipe from waiting for a writer.
const nonBlock = syscall.O_NONBLOCK
