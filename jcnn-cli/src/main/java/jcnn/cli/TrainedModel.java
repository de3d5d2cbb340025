package jcnn.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import jcnn.data.Normalize;
import jcnn.io.ModelFile;
import jcnn.nn.Sequential;

/**
 * A model file written by {@code jcnn train}, with what prediction needs besides the weights: the input shape
 * (C, H, W), the class names and the normalisation it was trained with.
 */
record TrainedModel(Path file, ModelFile.Contents contents, int[] sampleShape, List<String> classes, Normalize normalize) {

    static TrainedModel load(Path file) throws IOException {
        if (!Files.isRegularFile(file)) throw new Main.UsageException("no model file " + file);
        ModelFile.Contents c = ModelFile.load(file);
        int[] shape = ModelSource.sampleShape(c.info("input-shape"), file.toString());
        String names = c.info("classes");
        int k = c.model().outputShape(1, shape[0], shape[1], shape[2])[1];
        List<String> classes = names == null ? java.util.stream.IntStream.range(0, k).mapToObj(Integer::toString).toList()
                : Arrays.asList(names.split(","));
        Normalize n = c.info("normalize-mean") == null ? null
                : Normalize.of(TrainCommand.floats(c.info("normalize-mean")), TrainCommand.floats(c.info("normalize-std")));
        return new TrainedModel(file, c, shape, classes, n);
    }

    Sequential model() {
        return contents.model();
    }

    String info(String key) {
        return contents.info(key);
    }
}
