package io.jpatroni.core.tls;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The few DER operations the PEM reader needs: split a SEQUENCE into its elements and build one.
 * Lengths are checked against the input; anything malformed is an {@link IllegalArgumentException}.
 */
final class Der {

    static final int INTEGER = 0x02;
    static final int OCTET_STRING = 0x04;
    static final int NULL = 0x05;
    static final int OID = 0x06;
    static final int SEQUENCE = 0x30;

    /** One element: its tag and the bytes of its content. */
    record Element(int tag, byte[] content) {
        byte[] encoded() {
            return Der.encode(tag, content);
        }
    }

    private Der() {
    }

    /** The elements inside a SEQUENCE (or any constructed element) given as its full encoding. */
    static List<Element> children(byte[] encoded) {
        Element outer = readOne(encoded, 0);
        return elements(outer.content());
    }

    static List<Element> elements(byte[] content) {
        List<Element> out = new ArrayList<>();
        int pos = 0;
        while (pos < content.length) {
            Element e = readOne(content, pos);
            out.add(e);
            pos += headerLength(content, pos) + e.content().length;
        }
        return out;
    }

    private static Element readOne(byte[] data, int pos) {
        int header = headerLength(data, pos);
        int length = contentLength(data, pos);
        if ((long) pos + header + length > data.length) {
            throw new IllegalArgumentException("DER element longer than its input");
        }
        return new Element(data[pos] & 0xff, Arrays.copyOfRange(data, pos + header, pos + header + length));
    }

    private static int headerLength(byte[] data, int pos) {
        if (pos + 1 >= data.length) {
            throw new IllegalArgumentException("truncated DER");
        }
        int first = data[pos + 1] & 0xff;
        return first < 0x80 ? 2 : 2 + (first & 0x7f);
    }

    private static int contentLength(byte[] data, int pos) {
        int first = data[pos + 1] & 0xff;
        if (first < 0x80) {
            return first;
        }
        int bytes = first & 0x7f;
        if (bytes == 0 || bytes > 3 || pos + 2 + bytes > data.length) {
            throw new IllegalArgumentException("unsupported DER length");
        }
        int length = 0;
        for (int i = 0; i < bytes; i++) {
            length = (length << 8) | (data[pos + 2 + i] & 0xff);
        }
        return length;
    }

    static byte[] encode(int tag, byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(content.length + 6);
        out.write(tag);
        int n = content.length;
        if (n < 0x80) {
            out.write(n);
        } else if (n < 0x100) {
            out.write(0x81);
            out.write(n);
        } else if (n < 0x10000) {
            out.write(0x82);
            out.write(n >> 8);
            out.write(n);
        } else {
            out.write(0x83);
            out.write(n >> 16);
            out.write(n >> 8);
            out.write(n);
        }
        out.writeBytes(content);
        return out.toByteArray();
    }

    static byte[] sequence(byte[]... encodedElements) {
        ByteArrayOutputStream content = new ByteArrayOutputStream();
        for (byte[] e : encodedElements) {
            content.writeBytes(e);
        }
        return encode(SEQUENCE, content.toByteArray());
    }
}
