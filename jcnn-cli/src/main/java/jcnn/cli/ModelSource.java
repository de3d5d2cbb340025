package jcnn.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import jcnn.io.ModelFile;
import jcnn.nn.Architecture;
import jcnn.nn.Models;
import jcnn.nn.ReLU;
import jcnn.nn.Sequential;

/** Where a command's model comes from: a model file, or architecture text such as "Conv2d(1, 8, 3), ReLU(), ...". */
final class ModelSource {
    private ModelSource() {}

    /** A model, the input shape of one sample (C, H, W), and the file contents when it came from a file. */
    record Loaded(Sequential model, int[] sampleShape, ModelFile.Contents contents) {
        int[] batchInputShape(int batch) {
            int[] s = new int[sampleShape.length + 1];
            s[0] = batch;
            System.arraycopy(sampleShape, 0, s, 1, sampleShape.length);
            return s;
        }
    }

    static Loaded load(String spec) throws IOException {
        Path p = Path.of(spec);
        if (Files.isRegularFile(p)) {
            ModelFile.Contents c = ModelFile.load(p);
            return new Loaded(c.model(), sampleShape(c.info("input-shape"), spec), c);
        }
        if (Models.NAMES.contains(spec.toLowerCase(java.util.Locale.ROOT))) {
            int[] mnist = {1, 28, 28};
            return new Loaded(Models.byName(spec, mnist, 10, c -> new ReLU()), mnist, null);
        }
        if (spec.contains("(")) {
            try {
                return new Loaded(Architecture.parseModel(spec), new int[] {1, 28, 28}, null);
            } catch (IllegalArgumentException e) {
                throw new Main.UsageException("cannot read the model text: " + e.getMessage());
            }
        }
        throw new Main.UsageException("no model file '" + spec + "' (give a .jcnn file, a built-in model: "
                + String.join(", ", Models.NAMES) + ", or layer text)");
    }

    /** Parses "1, 28, 28". */
    static int[] sampleShape(String text, String source) throws IOException {
        if (text == null) throw new IOException(source + ": the model file does not record its input shape");
        String[] parts = text.split(",");
        int[] s = new int[parts.length];
        try {
            for (int i = 0; i < s.length; i++) s[i] = Integer.parseInt(parts[i].trim());
        } catch (NumberFormatException e) {
            throw new IOException(source + ": malformed input-shape '" + text + "'");
        }
        return s;
    }
}
