package io.jpatroni.plugin.watchdog;

/**
 * An open device file, as small as the watchdog needs: one int ioctl, a one-byte write, close.
 * {@link NativeDeviceFile} is libc through JNA; tests may stand in anything that behaves like it.
 */
interface DeviceFile {

    /** errno the kernel answers when a file is not a device that knows the ioctl (a regular file, a fifo). */
    int ENOTTY = 25;

    /**
     * Runs an ioctl whose argument is one int, read and/or written by the driver.
     *
     * @return the int argument after the call
     * @throws DeviceError with the errno when the ioctl fails
     */
    int ioctl(long request, int argument) throws DeviceError;

    void write(byte b) throws DeviceError;

    void close() throws DeviceError;

    /** A failed system call. */
    final class DeviceError extends Exception {
        private final int errno;

        DeviceError(String call, int errno, String detail) {
            super(call + " failed: " + detail + " (errno " + errno + ")");
            this.errno = errno;
        }

        int errno() {
            return errno;
        }
    }
}
