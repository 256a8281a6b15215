//go:build js

package readfile

// nonBlock is 0 under GOOS=js (the browser demo, demo/wasm), whose syscall package has no
// O_NONBLOCK and which has no named pipes to open.
const nonBlock = 0
