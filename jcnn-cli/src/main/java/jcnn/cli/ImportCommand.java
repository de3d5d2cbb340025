package jcnn.cli;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import jcnn.io.ModelFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code jcnn import MODEL WEIGHTS.npz -o OUT}: replaces a model's weights with ones from an .npz (e.g. from PyTorch). */
@Command(name = "import", mixinStandardHelpOptions = true,
        description = "Load weights keyed by PyTorch's state-dict names from .npz into a model and save it.",
        footerHeading = "%nExamples:%n", footer = {"  jcnn import runs/simple-mnist10k.jcnn torch_weights.npz -o imported.jcnn"})
final class ImportCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL", description = "the model file whose architecture receives the weights") Path model;
    @Parameters(index = "1", paramLabel = "WEIGHTS.npz") Path weights;
    @Option(names = {"-o", "--output"}, paramLabel = "FILE", required = true, description = "where to write the result") Path out;

    @Override
    public Integer call() throws Exception {
        ModelFile.Contents c = ModelFile.load(model);
        ModelFile.importWeights(c.model(), weights);
        ModelFile.save(out, new ModelFile.Contents(c.model(), c.info(), c.history(), Map.of()));
        System.out.println("wrote " + out + " with the weights of " + weights);
        return 0;
    }
}
