package jcnn.io;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import jcnn.tensor.IntTensor;
import jcnn.tensor.Tensor;

/**
 * numpy's {@code .npy} format, so that data and reference values move between numpy/PyTorch and jcnn.
 *
 * <p>A file is the magic {@code \x93NUMPY}, a version, a header length, a Python-dict header
 * ({@code {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }}) padded so the data starts on a 64-byte
 * boundary, then the raw elements. Read: float32/float64 (as float), int8/uint8/int16/int32/int64 and bool (as
 * int or float), either byte order, C order only. Written: float32 as {@code <f4}, ints as {@code <i4}.
 */
public final class Npy {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    private Npy() {}

    /** An array as read: its numpy dtype string, shape, and the elements as float or int. */
    public record Array(String dtype, int[] shape, float[] floats, int[] ints) {
        /** True for integer and boolean dtypes. */
        public boolean isInteger() {
            return ints != null;
        }

        /** The array as a float tensor (integers are converted). */
        public Tensor toTensor() {
            if (floats != null) return Tensor.wrap(floats, shape);
            float[] f = new float[ints.length];
            for (int i = 0; i < f.length; i++) f[i] = ints[i];
            return Tensor.wrap(f, shape);
        }

        /** The array as an int tensor; a float array must hold whole numbers. */
        public IntTensor toIntTensor() {
            if (ints != null) return IntTensor.wrap(ints, shape);
            int[] v = new int[floats.length];
            for (int i = 0; i < v.length; i++) {
                v[i] = (int) floats[i];
                if (v[i] != floats[i]) throw new IllegalArgumentException("npy: element " + i + " = " + floats[i] + " is not an integer");
            }
            return IntTensor.wrap(v, shape);
        }
    }

    // ---------------------------------------------------------------------------------------------------
    // Reading
    // ---------------------------------------------------------------------------------------------------

    public static Tensor readTensor(Path file) throws IOException {
        return read(file).toTensor();
    }

    public static IntTensor readInts(Path file) throws IOException {
        return read(file).toIntTensor();
    }

    public static Array read(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, file.toString());
        }
    }

    /** Reads one array from {@code in}; {@code source} names it in error messages. */
    public static Array read(InputStream in, String source) throws IOException {
        byte[] magic = readFully(in, 8, source, "the magic string");
        for (int i = 0; i < MAGIC.length; i++) {
            if (magic[i] != MAGIC[i]) throw new IOException(source + ": not a .npy file (bad magic string)");
        }
        int major = magic[6] & 0xff;
        int headerLen;
        if (major == 1) {
            byte[] b = readFully(in, 2, source, "the header length");
            headerLen = (b[0] & 0xff) | (b[1] & 0xff) << 8;
        } else if (major == 2 || major == 3) {
            byte[] b = readFully(in, 4, source, "the header length");
            headerLen = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getInt();
        } else {
            throw new IOException(source + ": .npy version " + major + "." + (magic[7] & 0xff) + " is not supported (1.0 to 3.0 are)");
        }
        if (headerLen < 0 || headerLen > 1 << 20) throw new IOException(source + ": implausible .npy header length " + headerLen);
        String header = new String(readFully(in, headerLen, source, "the header"), StandardCharsets.ISO_8859_1);
        Matcher d = DESCR.matcher(header), f = FORTRAN.matcher(header), s = SHAPE.matcher(header);
        if (!d.find() || !f.find() || !s.find()) throw new IOException(source + ": malformed .npy header: " + header.trim());
        if (f.group(1).equals("True")) {
            throw new IOException(source + ": Fortran-order arrays are not supported; save np.ascontiguousarray(a) instead");
        }
        int[] shape = parseShape(s.group(1), source);
        long count = 1;
        for (int dim : shape) count *= dim;
        if (count > Integer.MAX_VALUE - 8) throw new IOException(source + ": array too large: shape " + Tensor.shapeString(shape));
        String dtype = d.group(1);
        Dtype t = Dtype.parse(dtype, source);
        byte[] raw = readFully(in, (int) (count * t.size), source, count + " elements of " + dtype);
        ByteBuffer buf = ByteBuffer.wrap(raw).order(t.order);
        int n = (int) count;
        return switch (t.kind) {
            case 'f' -> {
                float[] v = new float[n];
                for (int i = 0; i < n; i++) v[i] = t.size == 4 ? buf.getFloat() : (float) buf.getDouble();
                yield new Array(dtype, shape, v, null);
            }
            default -> {
                int[] v = new int[n];
                for (int i = 0; i < n; i++) {
                    long x = switch (t.size) {
                        case 1 -> t.kind == 'u' || t.kind == 'b' ? buf.get() & 0xff : buf.get();
                        case 2 -> t.kind == 'u' ? buf.getShort() & 0xffff : buf.getShort();
                        case 4 -> t.kind == 'u' ? buf.getInt() & 0xffffffffL : buf.getInt();
                        default -> buf.getLong();
                    };
                    if (x != (int) x) throw new IOException(source + ": element " + i + " = " + x + " does not fit in an int");
                    v[i] = (int) x;
                }
                yield new Array(dtype, shape, null, v);
            }
        };
    }

    private record Dtype(char kind, int size, ByteOrder order) {
        static Dtype parse(String descr, String source) throws IOException {
            if (descr.length() < 3) throw new IOException(source + ": unsupported dtype '" + descr + "'");
            char endian = descr.charAt(0);
            char kind = descr.charAt(1);
            int size;
            try {
                size = Integer.parseInt(descr.substring(2));
            } catch (NumberFormatException e) {
                throw new IOException(source + ": unsupported dtype '" + descr + "'");
            }
            boolean ok = switch (kind) {
                case 'f' -> size == 4 || size == 8;
                case 'i', 'u' -> size == 1 || size == 2 || size == 4 || size == 8;
                case 'b' -> size == 1;
                default -> false;
            };
            if (!ok || (endian != '<' && endian != '>' && endian != '|' && endian != '=')) {
                throw new IOException(source + ": unsupported dtype '" + descr + "' (float32/64, int8..64, uint8..32 and bool are)");
            }
            return new Dtype(kind, size, endian == '>' ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
        }
    }

    private static int[] parseShape(String text, String source) throws IOException {
        List<Integer> dims = new ArrayList<>();
        for (String part : text.split(",")) {
            String p = part.trim();
            if (p.isEmpty()) continue;
            if (p.endsWith("L")) p = p.substring(0, p.length() - 1);
            try {
                int v = Integer.parseInt(p);
                if (v < 0) throw new NumberFormatException();
                dims.add(v);
            } catch (NumberFormatException e) {
                throw new IOException(source + ": malformed shape (" + text + ") in .npy header");
            }
        }
        return dims.stream().mapToInt(Integer::intValue).toArray();
    }

    private static byte[] readFully(InputStream in, int n, String source, String what) throws IOException {
        byte[] b = in.readNBytes(n);
        if (b.length != n) {
            throw new EOFException(source + ": truncated .npy file: expected " + n + " bytes for " + what + ", found " + b.length);
        }
        return b;
    }

    // ---------------------------------------------------------------------------------------------------
    // Writing
    // ---------------------------------------------------------------------------------------------------

    /** Writes {@code t} as float32, atomically (a temporary file renamed into place). */
    public static void write(Path file, Tensor t) throws IOException {
        AtomicFiles.write(file, out -> write(out, t));
    }

    /** Writes {@code t} as int32, atomically. */
    public static void write(Path file, IntTensor t) throws IOException {
        AtomicFiles.write(file, out -> write(out, t));
    }

    public static void write(OutputStream out, Tensor t) throws IOException {
        writeHeader(out, "<f4", t.shape());
        float[] d = t.data();
        ByteBuffer buf = ByteBuffer.allocate(d.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        buf.asFloatBuffer().put(d);
        out.write(buf.array());
    }

    public static void write(OutputStream out, IntTensor t) throws IOException {
        writeHeader(out, "<i4", t.shape());
        int[] d = t.data();
        ByteBuffer buf = ByteBuffer.allocate(d.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        buf.asIntBuffer().put(d);
        out.write(buf.array());
    }

    private static void writeHeader(OutputStream out, String descr, int[] shape) throws IOException {
        StringBuilder s = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) s.append(shape[i]).append(shape.length == 1 ? "," : i + 1 < shape.length ? ", " : "");
        s.append(')');
        String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + s + ", }";
        int total = MAGIC.length + 2 + 2 + dict.length() + 1;
        int pad = (64 - total % 64) % 64;
        String header = dict + " ".repeat(pad) + "\n";
        ByteArrayOutputStream h = new ByteArrayOutputStream();
        h.write(MAGIC);
        h.write(1);
        h.write(0);
        h.write(header.length() & 0xff);
        h.write(header.length() >> 8);
        h.write(header.getBytes(StandardCharsets.ISO_8859_1));
        out.write(h.toByteArray());
    }
}
