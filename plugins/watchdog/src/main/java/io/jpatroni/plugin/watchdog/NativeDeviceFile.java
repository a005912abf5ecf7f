package io.jpatroni.plugin.watchdog;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.ptr.IntByReference;

/** A device file opened write-only through libc (JNA): the calls the kernel's watchdog API is made of. */
final class NativeDeviceFile implements DeviceFile {

    /** Linux generic values (x86, arm): O_WRONLY | O_APPEND | O_NONBLOCK | O_CLOEXEC. */
    private static final int O_WRONLY = 0x1;
    /** Ignored by character devices; a regular file standing in for one keeps every open's writes. */
    private static final int O_APPEND = 0x400;
    private static final int O_NONBLOCK = 0x800;
    private static final int O_CLOEXEC = 0x80000;

    /** libc, loaded on first use so that merely loading the plugin does not need the native library. */
    private interface LibC extends Library {
        int open(String path, int flags) throws LastErrorException;

        int ioctl(int fd, NativeLong request, IntByReference argument) throws LastErrorException;

        NativeLong write(int fd, byte[] buffer, NativeLong count) throws LastErrorException;

        int close(int fd) throws LastErrorException;
    }

    private static final class Holder {
        static final LibC LIBC = Native.load("c", LibC.class);
    }

    private final String path;
    private int fd;

    private NativeDeviceFile(String path, int fd) {
        this.path = path;
        this.fd = fd;
    }

    /**
     * Opens without blocking: O_NONBLOCK makes a fifo without a reader fail at once (ENXIO) instead
     * of holding the HA loop; a watchdog driver ignores the flag.
     */
    static NativeDeviceFile open(String path) throws DeviceError {
        try {
            return new NativeDeviceFile(path, Holder.LIBC.open(path, O_WRONLY | O_APPEND | O_NONBLOCK | O_CLOEXEC));
        } catch (LastErrorException e) {
            throw new DeviceError("open(" + path + ")", e.getErrorCode(), e.getMessage());
        } catch (LinkageError e) {
            // UnsatisfiedLinkError the first time, NoClassDefFoundError for Holder on every later call
            throw new DeviceError("open(" + path + ")", 0, "libc not reachable through JNA: " + e);
        }
    }

    @Override
    public int ioctl(long request, int argument) throws DeviceError {
        IntByReference value = new IntByReference(argument);
        try {
            Holder.LIBC.ioctl(fd, new NativeLong(request), value);
            return value.getValue();
        } catch (LastErrorException e) {
            throw new DeviceError("ioctl(" + path + ", 0x" + Long.toHexString(request) + ")", e.getErrorCode(),
                    e.getMessage());
        }
    }

    @Override
    public void write(byte b) throws DeviceError {
        try {
            long written = Holder.LIBC.write(fd, new byte[] {b}, new NativeLong(1)).longValue();
            if (written != 1) {
                throw new DeviceError("write(" + path + ")", 0, "wrote " + written + " bytes instead of 1");
            }
        } catch (LastErrorException e) {
            throw new DeviceError("write(" + path + ")", e.getErrorCode(), e.getMessage());
        }
    }

    @Override
    public void close() throws DeviceError {
        if (fd < 0) {
            return;
        }
        int closing = fd;
        fd = -1;
        try {
            Holder.LIBC.close(closing);
        } catch (LastErrorException e) {
            throw new DeviceError("close(" + path + ")", e.getErrorCode(), e.getMessage());
        }
    }
}
