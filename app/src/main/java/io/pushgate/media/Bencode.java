package io.pushgate.media;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Bencoding, the encoding of rtpengine's NG control protocol: byte strings, integers, lists and
 * dictionaries. Strings are decoded as UTF-8 text; dictionaries are written with sorted keys.
 */
public final class Bencode {
    private Bencode() {}

    /** Data that is not valid bencode. */
    public static final class MalformedException extends Exception {
        MalformedException(String message) { super(message); }
    }

    public static byte[] encode(Object value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        write(out, value);
        return out.toByteArray();
    }

    private static void write(ByteArrayOutputStream out, Object v) {
        if (v instanceof String s) {
            writeBytes(out, s.getBytes(StandardCharsets.UTF_8));
        } else if (v instanceof byte[] b) {
            writeBytes(out, b);
        } else if (v instanceof Integer || v instanceof Long) {
            out.writeBytes(("i" + v + "e").getBytes(StandardCharsets.US_ASCII));
        } else if (v instanceof List<?> l) {
            out.write('l');
            for (Object o : l) write(out, o);
            out.write('e');
        } else if (v instanceof Map<?, ?> m) {
            out.write('d');
            Map<String, Object> sorted = new TreeMap<>();
            m.forEach((k, val) -> sorted.put((String) k, val));
            for (Map.Entry<String, Object> e : sorted.entrySet()) {
                writeBytes(out, e.getKey().getBytes(StandardCharsets.UTF_8));
                write(out, e.getValue());
            }
            out.write('e');
        } else {
            throw new IllegalArgumentException("cannot bencode " + (v == null ? "null" : v.getClass().getSimpleName()));
        }
    }

    private static void writeBytes(ByteArrayOutputStream out, byte[] b) {
        out.writeBytes((b.length + ":").getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(b);
    }

    /** Decodes one complete value; trailing bytes are an error. */
    public static Object decode(byte[] data) throws MalformedException {
        return decode(data, 0, data.length);
    }

    public static Object decode(byte[] data, int offset, int length) throws MalformedException {
        Reader r = new Reader(data, offset, offset + length);
        Object v = r.value(0);
        if (r.pos != r.end) throw new MalformedException("trailing data at " + (r.pos - offset));
        return v;
    }

    private static final class Reader {
        private static final int MAX_DEPTH = 64;
        final byte[] d;
        int pos;
        final int end;

        Reader(byte[] d, int pos, int end) {
            this.d = d;
            this.pos = pos;
            this.end = end;
        }

        Object value(int depth) throws MalformedException {
            if (depth > MAX_DEPTH) throw new MalformedException("nested too deeply");
            if (pos >= end) throw new MalformedException("truncated");
            byte c = d[pos];
            if (c == 'i') {
                pos++;
                long v = number('e');
                return v;
            }
            if (c == 'l') {
                pos++;
                List<Object> l = new ArrayList<>();
                while (peek() != 'e') l.add(value(depth + 1));
                pos++;
                return l;
            }
            if (c == 'd') {
                pos++;
                Map<String, Object> m = new LinkedHashMap<>();
                while (peek() != 'e') {
                    if (!Character.isDigit(peek())) throw new MalformedException("dictionary key is not a string at " + pos);
                    String k = string();
                    m.put(k, value(depth + 1));
                }
                pos++;
                return m;
            }
            if (Character.isDigit(c)) return string();
            throw new MalformedException("unexpected '" + (char) c + "' at " + pos);
        }

        private byte peek() throws MalformedException {
            if (pos >= end) throw new MalformedException("truncated");
            return d[pos];
        }

        private String string() throws MalformedException {
            long len = number(':');
            if (len < 0 || len > end - pos) throw new MalformedException("string length " + len + " past the end");
            String s = new String(Arrays.copyOfRange(d, pos, pos + (int) len), StandardCharsets.UTF_8);
            pos += (int) len;
            return s;
        }

        private long number(char terminator) throws MalformedException {
            int start = pos;
            while (pos < end && d[pos] != terminator) pos++;
            if (pos >= end) throw new MalformedException("unterminated number at " + start);
            String s = new String(d, start, pos - start, StandardCharsets.US_ASCII);
            pos++;
            try {
                return Long.parseLong(s);
            } catch (NumberFormatException e) {
                throw new MalformedException("bad number '" + s + "' at " + start);
            }
        }
    }
}
