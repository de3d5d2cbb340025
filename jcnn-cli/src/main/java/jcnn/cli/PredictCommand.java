package jcnn.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import jcnn.data.ImageFolder;
import jcnn.tensor.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code jcnn predict MODEL IMAGE...}: the top-k classes of each image with their probabilities. */
@Command(name = "predict", mixinStandardHelpOptions = true,
        description = "Classify images (PNG or JPEG): the top classes with their probabilities.",
        footerHeading = "%nExamples:%n", footer = {"  jcnn predict runs/simple-mnist10k.jcnn digit.png --top 3"})
final class PredictCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL", description = "a model file written by jcnn train")
    Path model;

    @Parameters(index = "1..*", paramLabel = "IMAGE", arity = "1..*", description = "images, resized and converted to the model's input")
    List<Path> images;

    @Option(names = "--top", paramLabel = "K", description = "how many classes to show (default 3)")
    int top = 3;

    @Option(names = "--invert", paramLabel = "WHEN", description = "invert the image: auto (default: when the background is light, "
            + "as MNIST digits are light on dark), yes, no")
    String invert = "auto";

    @Override
    public Integer call() throws Exception {
        if (top < 1) throw new Main.UsageException("--top must be >= 1, got " + top);
        if (!List.of("auto", "yes", "no").contains(invert)) throw new Main.UsageException("--invert must be auto, yes or no, got '" + invert + "'");
        TrainedModel m = TrainedModel.load(model);
        int[] s = m.sampleShape();
        for (Path image : images) {
            float[] pixels = ImageFolder.readImage(image, new ImageFolder.Format(s[0], s[1], s[2]), ImageFolder.Resize.AREA);
            double mean = 0;
            for (float v : pixels) mean += v;
            if (invert.equals("yes") || (invert.equals("auto") && mean / pixels.length > 0.5)) {
                for (int i = 0; i < pixels.length; i++) pixels[i] = 1f - pixels[i];
            }
            Tensor x = Tensor.wrap(pixels, 1, s[0], s[1], s[2]);
            if (m.normalize() != null) m.normalize().applyInPlace(x);
            float[] p = softmax(m.model().predict(x).data());
            System.out.println(image + ":");
            Integer[] order = new Integer[p.length];
            for (int i = 0; i < p.length; i++) order[i] = i;
            java.util.Arrays.sort(order, (a, b) -> Float.compare(p[b], p[a]));
            for (int i = 0; i < Math.min(top, p.length); i++) {
                System.out.printf(Locale.ROOT, "  %-12s %6.2f%%%n", m.classes().get(order[i]), 100 * p[order[i]]);
            }
        }
        return 0;
    }

    static float[] softmax(float[] z) {
        float max = Float.NEGATIVE_INFINITY;
        for (float v : z) max = Math.max(max, v);
        double sum = 0;
        float[] p = new float[z.length];
        for (int i = 0; i < z.length; i++) sum += p[i] = (float) Math.exp(z[i] - max);
        for (int i = 0; i < z.length; i++) p[i] /= (float) sum;
        return p;
    }
}
