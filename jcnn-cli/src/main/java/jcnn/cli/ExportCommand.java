package jcnn.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import jcnn.io.ModelFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code jcnn export MODEL OUT.npz}: the weights with PyTorch's state-dict names and layouts. */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = "Write a model's weights to .npz with PyTorch's state-dict names and layouts.",
        footerHeading = "%nExamples:%n", footer = {"  jcnn export runs/simple-mnist10k.jcnn weights.npz",
                "  then in PyTorch: net.load_state_dict({k: torch.from_numpy(v) for k, v in np.load('weights.npz').items()})"})
final class ExportCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL") Path model;
    @Parameters(index = "1", paramLabel = "OUT.npz") Path out;

    @Override
    public Integer call() throws Exception {
        ModelFile.Contents c = ModelFile.load(model);
        ModelFile.exportWeights(c.model(), out);
        System.out.println("wrote " + c.model().stateDict().size() + " tensors to " + out);
        return 0;
    }
}
