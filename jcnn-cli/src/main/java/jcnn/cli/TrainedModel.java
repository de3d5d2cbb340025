package jcnn.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import jcnn.data.Normalize;
import jcnn.io.ModelFile;
import jcnn.nn.Sequential;
import jcnn.train.ModelInfo;

/**
 * A model file written by {@code jcnn train}, with what prediction needs besides the weights: the input shape
 * (C, H, W), the class names and the normalisation it was trained with.
 */
record TrainedModel(Path file, ModelFile.Contents contents, int[] sampleShape, List<String> classes, Normalize normalize) {

    static TrainedModel load(Path file) throws IOException {
        if (!Files.isRegularFile(file)) throw new Main.UsageException("no model file " + file);
        ModelFile.Contents c = ModelFile.load(file);
        ModelInfo info;
        try {
            info = ModelInfo.of(c);
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
        int[] shape = info.sampleShape();
        if (shape == null) throw new IOException(file + ": the model file does not record its input shape");
        int k = c.model().outputShape(1, shape[0], shape[1], shape[2])[1];
        List<String> classes = info.classes() != null ? info.classes()
                : java.util.stream.IntStream.range(0, k).mapToObj(Integer::toString).toList();
        return new TrainedModel(file, c, shape, classes, info.normalize());
    }

    Sequential model() {
        return contents.model();
    }

    String info(String key) {
        return contents.info(key);
    }
}
