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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import jcnn.nn.Architecture;
import jcnn.nn.Sequential;
import jcnn.tensor.Tensor;

/**
 * jcnn's model and checkpoint file ({@code .jcnn}): a text header you can read with {@code head}, then the
 * tensors as raw little-endian float32.
 *
 * <pre>
 * jcnn-model 1
 * [architecture]
 * Conv2d(1, 30, kernelSize=5)
 * ReLU()
 * ...
 * [info]
 * input-shape = 1, 28, 28
 * seed = 42
 * [history]
 * epoch=1 trainLoss=0.412 ...
 * [tensors]
 * model 0.weight (30, 1, 5, 5) offset=0 crc32=6f1c09a2
 * optimizer 0.exp_avg (30, 1, 5, 5) offset=3000 crc32=...
 * [end] data-bytes=1736000 header-crc32=0c1d2e3f
 * &lt;data&gt;
 * </pre>
 *
 * <p>The first line names the format and its version; a file of a newer version is refused with a message
 * saying so. The architecture is the layers' own text ({@link Architecture}), so a file rebuilds its model
 * without any code. Every tensor has a CRC-32, and the header has one too.
 *
 * <p>Saving is atomic (temporary file, then rename): an interrupted save leaves the previous file intact.
 * Loading checks the version, the header checksum, every tensor's name and shape against the rebuilt model,
 * the data length and every tensor's checksum, and only then fills the model — a truncated or altered file
 * fails with an {@link IOException} that names what is wrong, and never yields a half-loaded model.
 */
public final class ModelFile {
    /** The format version this code writes and the newest it reads. */
    public static final int VERSION = 1;
    private static final String MAGIC = "jcnn-model";

    private ModelFile() {}

    /**
     * What a file holds: the model, free-form information (ordered key → value; keys are words, values one
     * line), the training history (one line per epoch), and optional optimizer state.
     */
    public record Contents(Sequential model, Map<String, String> info, List<String> history,
                           Map<String, Tensor> optimizerState) {
        public Contents {
            info = new LinkedHashMap<>(info);
            history = List.copyOf(history);
            optimizerState = new LinkedHashMap<>(optimizerState);
        }

        /** Just a model. */
        public static Contents of(Sequential model) {
            return new Contents(model, Map.of(), List.of(), Map.of());
        }

        public String info(String key) {
            return info.get(key);
        }
    }

    // ---------------------------------------------------------------------------------------------------
    // Saving
    // ---------------------------------------------------------------------------------------------------

    public static void save(Path file, Contents c) throws IOException {
        Map<String, Tensor> model = c.model().stateDict();
        StringBuilder h = new StringBuilder();
        h.append(MAGIC).append(' ').append(VERSION).append('\n');
        h.append("[architecture]\n").append(Architecture.describe(c.model()));
        h.append("[info]\n");
        c.info().forEach((k, v) -> h.append(checkKey(k)).append(" = ").append(oneLine(v, k)).append('\n'));
        h.append("[history]\n");
        for (String line : c.history()) h.append(oneLine(line, "history")).append('\n');
        h.append("[tensors]\n");
        long offset = 0;
        List<Tensor> order = new ArrayList<>();
        for (String group : new String[] {"model", "optimizer"}) {
            Map<String, Tensor> tensors = group.equals("model") ? model : c.optimizerState();
            for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
                Tensor t = e.getValue();
                h.append(group).append(' ').append(checkKey(e.getKey())).append(' ').append(Tensor.shapeString(t.shape()).replace(" ", ""))
                        .append(" offset=").append(offset).append(" crc32=").append(hex(crc(t))).append('\n');
                offset += 4L * t.numel();
                order.add(t);
            }
        }
        h.append("[end] data-bytes=").append(offset);
        byte[] headerBody = h.toString().getBytes(StandardCharsets.UTF_8);
        String endLine = " header-crc32=" + hex(crc(headerBody)) + "\n";
        final long dataBytes = offset;
        AtomicFiles.write(file, out -> {
            out.write(headerBody);
            out.write(endLine.getBytes(StandardCharsets.UTF_8));
            long written = 0;
            for (Tensor t : order) written += writeFloats(out, t.data());
            if (written != dataBytes) throw new IOException("internal error: wrote " + written + " of " + dataBytes + " bytes");
        });
    }

    private static long writeFloats(OutputStream out, float[] d) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(Math.min(d.length, 1 << 16) * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < d.length; ) {
            buf.clear();
            int n = Math.min(d.length - i, buf.capacity() / 4);
            buf.asFloatBuffer().put(d, i, n);
            out.write(buf.array(), 0, n * 4);
            i += n;
        }
        return 4L * d.length;
    }

    // ---------------------------------------------------------------------------------------------------
    // Loading
    // ---------------------------------------------------------------------------------------------------

    public static Contents load(Path file) throws IOException {
        try (InputStream in = new java.io.BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            return load(in, file.toString());
        }
    }

    /** Reads a model file from a stream; {@code source} names it in error messages. */
    public static Contents load(InputStream in, String source) throws IOException {
        // The header: text lines up to and including the "[end] ..." line.
        ByteArrayOutputStream header = new ByteArrayOutputStream();
        List<String> lines = new ArrayList<>();
        String endLine = null;
        while (endLine == null) {
            String line = readLine(in, header, source);
            if (line == null) throw new EOFException(source + ": truncated model file: the header has no [end] line");
            if (lines.isEmpty()) checkFirstLine(line, source);
            if (line.startsWith("[end]")) endLine = line;
            else lines.add(line);
        }
        byte[] headerBytes = header.toByteArray();
        int crcAt = endLine.indexOf(" header-crc32=");
        if (crcAt < 0) throw new IOException(source + ": malformed [end] line: " + endLine);
        long expectedHeaderCrc = parseHex(endLine.substring(crcAt + 14).trim(), source, "header-crc32");
        // The checksum covers the header up to (not including) " header-crc32=...".
        int coveredLength = headerBytes.length - (endLine.length() - crcAt) - 1;
        if (crc(java.util.Arrays.copyOf(headerBytes, coveredLength)) != expectedHeaderCrc) {
            throw new IOException(source + ": the header was altered or damaged (header checksum mismatch)");
        }
        long dataBytes = parseLong(field(endLine.substring(0, crcAt), "data-bytes", source), source, "data-bytes");

        Map<String, List<String>> sections = sections(lines, source);
        String archText = String.join("\n", sections.get("architecture"));
        Sequential model;
        try {
            model = Architecture.parseModel(archText);
        } catch (IllegalArgumentException e) {
            throw new IOException(source + ": cannot rebuild the architecture: " + e.getMessage(), e);
        }
        Map<String, String> info = new LinkedHashMap<>();
        for (String line : sections.get("info")) {
            int eq = line.indexOf(" = ");
            if (eq <= 0) throw new IOException(source + ": malformed [info] line: " + line);
            info.put(line.substring(0, eq), line.substring(eq + 3));
        }
        List<String> history = sections.get("history");

        // The tensor table, checked against the rebuilt model before any data is read.
        Map<String, Tensor> modelState = model.stateDict();
        Map<String, Tensor> loadedModel = new LinkedHashMap<>();
        Map<String, Tensor> optimizer = new LinkedHashMap<>();
        List<Entry> entries = new ArrayList<>();
        long expectedOffset = 0;
        for (String line : sections.get("tensors")) {
            Entry e = Entry.parse(line, source);
            if (e.offset != expectedOffset) throw new IOException(source + ": tensor '" + e.name + "' is at offset " + e.offset + ", expected " + expectedOffset);
            expectedOffset += 4L * Tensor.numel(e.shape);
            if (e.group.equals("model")) {
                Tensor target = modelState.get(e.name);
                if (target == null) throw new IOException(source + ": tensor '" + e.name + "' does not belong to the model " + modelState.keySet());
                if (!target.hasShape(e.shape)) {
                    throw new IOException(source + ": shape mismatch in tensor '" + e.name + "': the architecture needs "
                            + Tensor.shapeString(target.shape()) + ", the file has " + Tensor.shapeString(e.shape));
                }
                loadedModel.put(e.name, Tensor.zeros(e.shape));
            } else if (e.group.equals("optimizer")) {
                optimizer.put(e.name, Tensor.zeros(e.shape));
            } else {
                throw new IOException(source + ": unknown tensor group '" + e.group + "' in: " + line);
            }
            entries.add(e);
        }
        for (String name : modelState.keySet()) {
            if (!loadedModel.containsKey(name)) throw new IOException(source + ": the file has no tensor '" + name + "'");
        }
        if (expectedOffset != dataBytes) throw new IOException(source + ": the tensor table covers " + expectedOffset + " bytes but data-bytes is " + dataBytes);

        // The data, each tensor verified by its checksum.
        for (Entry e : entries) {
            Tensor t = (e.group.equals("model") ? loadedModel : optimizer).get(e.name);
            readFloats(in, t.data(), source, e.name, dataBytes);
            if (crc(t) != e.crc) throw new IOException(source + ": tensor '" + e.name + "' is damaged (checksum mismatch)");
        }
        if (in.read() != -1) throw new IOException(source + ": unexpected bytes after the last tensor");
        model.loadStateDict(loadedModel);
        return new Contents(model, info, history, optimizer);
    }

    private record Entry(String group, String name, int[] shape, long offset, long crc) {
        static Entry parse(String line, String source) throws IOException {
            String[] p = line.trim().split(" ");
            if (p.length != 5 || !p[3].startsWith("offset=") || !p[4].startsWith("crc32=") || !p[2].startsWith("(")) {
                throw new IOException(source + ": malformed [tensors] line: " + line);
            }
            String dims = p[2].substring(1, p[2].length() - 1);
            List<Integer> shape = new ArrayList<>();
            for (String d : dims.split(",")) {
                if (!d.isBlank()) shape.add((int) parseLong(d.trim(), source, "shape of " + p[1]));
            }
            return new Entry(p[0], p[1], shape.stream().mapToInt(Integer::intValue).toArray(),
                    parseLong(p[3].substring(7), source, "offset of " + p[1]), parseHex(p[4].substring(6), source, "crc32 of " + p[1]));
        }
    }

    private static void checkFirstLine(String line, String source) throws IOException {
        String[] p = line.split(" ");
        if (p.length != 2 || !p[0].equals(MAGIC)) {
            throw new IOException(source + ": not a jcnn model file (it does not start with '" + MAGIC + "')");
        }
        int version;
        try {
            version = Integer.parseInt(p[1]);
        } catch (NumberFormatException e) {
            throw new IOException(source + ": malformed format version '" + p[1] + "'");
        }
        if (version > VERSION) {
            throw new IOException(source + ": model file format " + version + " is newer than this jcnn reads (" + VERSION
                    + "); upgrade jcnn to load it");
        }
        if (version < 1) throw new IOException(source + ": unknown model file format " + version);
    }

    private static Map<String, List<String>> sections(List<String> lines, String source) throws IOException {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (String s : new String[] {"architecture", "info", "history", "tensors"}) out.put(s, new ArrayList<>());
        List<String> current = null;
        for (int i = 1; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.startsWith("[") && line.endsWith("]")) {
                current = out.get(line.substring(1, line.length() - 1));
                if (current == null) throw new IOException(source + ": unknown section " + line);
            } else if (current == null) {
                throw new IOException(source + ": text before the first section: " + line);
            } else if (!line.isBlank()) {
                current.add(line);
            }
        }
        if (out.get("architecture").isEmpty()) throw new IOException(source + ": the file has no [architecture]");
        return out;
    }

    private static String readLine(InputStream in, ByteArrayOutputStream copy, String source) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        while (true) {
            int b = in.read();
            if (b == -1) return line.size() == 0 ? null : line.toString(StandardCharsets.UTF_8);
            copy.write(b);
            if (b == '\n') return line.toString(StandardCharsets.UTF_8);
            line.write(b);
            if (line.size() > 1 << 20) throw new IOException(source + ": not a jcnn model file (header line longer than 1 MiB)");
        }
    }

    private static void readFloats(InputStream in, float[] d, String source, String name, long dataBytes) throws IOException {
        byte[] raw = new byte[Math.min(d.length, 1 << 16) * 4];
        for (int i = 0; i < d.length; ) {
            int n = Math.min(d.length - i, raw.length / 4);
            int got = in.readNBytes(raw, 0, n * 4);
            if (got != n * 4) {
                throw new EOFException(source + ": truncated model file: tensor '" + name + "' is incomplete (the header promises "
                        + dataBytes + " bytes of tensor data)");
            }
            ByteBuffer.wrap(raw, 0, n * 4).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(d, i, n);
            i += n;
        }
    }

    private static String field(String line, String key, String source) throws IOException {
        for (String part : line.split(" ")) {
            if (part.startsWith(key + "=")) return part.substring(key.length() + 1);
        }
        throw new IOException(source + ": '" + key + "' missing in: " + line);
    }

    private static long parseLong(String s, String source, String what) throws IOException {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new IOException(source + ": malformed " + what + ": '" + s + "'");
        }
    }

    private static long parseHex(String s, String source, String what) throws IOException {
        try {
            return Long.parseLong(s, 16);
        } catch (NumberFormatException e) {
            throw new IOException(source + ": malformed " + what + ": '" + s + "'");
        }
    }

    private static String checkKey(String key) {
        if (key.isEmpty() || !key.matches("[A-Za-z0-9_.\\-]+")) {
            throw new IllegalArgumentException("model file: key '" + key + "' must be letters, digits, '_', '-' or '.'");
        }
        return key;
    }

    private static String oneLine(String value, String key) {
        if (value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0) {
            throw new IllegalArgumentException("model file: the value of '" + key + "' must be one line");
        }
        return value;
    }

    private static long crc(Tensor t) {
        CRC32 c = new CRC32();
        ByteBuffer buf = ByteBuffer.allocate(Math.min(t.numel(), 1 << 14) * 4).order(ByteOrder.LITTLE_ENDIAN);
        float[] d = t.data();
        for (int i = 0; i < d.length; ) {
            buf.clear();
            int n = Math.min(d.length - i, buf.capacity() / 4);
            buf.asFloatBuffer().put(d, i, n);
            c.update(buf.array(), 0, n * 4);
            i += n;
        }
        return c.getValue();
    }

    private static long crc(byte[] b) {
        CRC32 c = new CRC32();
        c.update(b);
        return c.getValue();
    }

    private static String hex(long crc) {
        return String.format("%08x", crc);
    }

    // ---------------------------------------------------------------------------------------------------
    // Weights as .npz with PyTorch's names and layouts
    // ---------------------------------------------------------------------------------------------------

    /**
     * Writes the model's parameters and buffers to an {@code .npz} keyed by PyTorch's state-dict names
     * ("0.weight", ...), in PyTorch's layouts: {@code model.load_state_dict({k: torch.from_numpy(v) for k, v in
     * np.load(f).items()})} loads them into the equivalent {@code nn.Sequential}.
     */
    public static void exportWeights(Sequential model, Path npz) throws IOException {
        Npz.write(npz, model.stateDict());
    }

    /** Loads weights from an {@code .npz} keyed by PyTorch's state-dict names; names and shapes are checked first. */
    public static void importWeights(Sequential model, Path npz) throws IOException {
        Map<String, Tensor> state = new LinkedHashMap<>();
        Npz.read(npz).forEach((k, v) -> state.put(k, v.toTensor()));
        try {
            model.loadStateDict(state);
        } catch (IllegalArgumentException e) {
            throw new IOException(npz + ": " + e.getMessage(), e);
        }
    }
}
