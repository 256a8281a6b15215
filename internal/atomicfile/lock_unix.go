//go:build unix

package atomicfile

import (
	"errors"
	"io/fs"
	"os"
	"syscall"
)

// haveFlock says whether locks exclude other processes here.
const haveFlock = true

// lock takes an exclusive flock on f, waiting for it.
func lock(f *os.File) error {
	return flock(f, syscall.LOCK_EX)
}

// TryLock takes an exclusive flock(2) on f without waiting, and says whether it got it. The lock
// belongs to f's open file description and is released when f is closed, or when the process dies,
// however it dies. On systems without flock(2) it always succeeds and excludes nothing.
func TryLock(f *os.File) (bool, error) {
	err := flock(f, syscall.LOCK_EX|syscall.LOCK_NB)
	if errors.Is(err, syscall.EWOULDBLOCK) {
		return false, nil
	}
	return err == nil, err
}

func flock(f *os.File, how int) error {
	// Through SyscallConn rather than Fd, which would put a pollable file back into blocking mode.
	rc, err := f.SyscallConn()
	if err != nil {
		return err
	}
	var ferr error
	if err := rc.Control(func(fd uintptr) {
		for {
			ferr = syscall.Flock(int(fd), how)
			if ferr != syscall.EINTR {
				return
			}
		}
	}); err != nil {
		return err
	}
	return ferr
}

// writable says whether this process may write the existing file path.
func writable(path string) error {
	const wOK = 2 // W_OK of access(2)
	return syscall.Access(path, wOK)
}

// owner is a file's owner and group.
type owner struct {
	uid, gid int
	known    bool
}

func ownerOf(fi fs.FileInfo) owner {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return owner{}
	}
	return owner{uid: int(st.Uid), gid: int(st.Gid), known: true}
}

// apply gives f to o, if o is known and differs from f's owner; it fails silently unless the
// process may do so.
func (o owner) apply(f *os.File) {
	if !o.known {
		return
	}
	if fi, err := f.Stat(); err == nil && ownerOf(fi) == o {
		return
	}
	f.Chown(o.uid, o.gid)
}
