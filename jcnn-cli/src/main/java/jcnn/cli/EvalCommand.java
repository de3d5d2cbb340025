package jcnn.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import jcnn.data.Dataset;
import jcnn.data.Datasets;
import jcnn.train.Evaluation;
import jcnn.train.Trainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code jcnn eval MODEL}: accuracy, per-class accuracy and the confusion matrix on a test set. */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Evaluate a model: loss, accuracy, per-class accuracy, confusion matrix.",
        footerHeading = "%nExamples:%n", footer = {"  jcnn eval runs/simple-mnist10k.jcnn", "  jcnn eval fashion.jcnn --data fashion-mnist"})
final class EvalCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL", description = "a model file written by jcnn train")
    Path model;

    @Option(names = "--data", paramLabel = "DATA", description = "data set (default: the one the model was trained on)")
    String data;

    @Option(names = "--train-split", description = "evaluate on the training split instead of the test split")
    boolean trainSplit;

    @Option(names = "--confusion", paramLabel = "FILE.png", description = "also draw the confusion matrix as a heat map")
    Path confusion;

    @Override
    public Integer call() throws Exception {
        TrainedModel m = TrainedModel.load(model);
        String spec = data != null ? data : m.info("data");
        if (spec == null) throw new Main.UsageException(model + " does not record its data set; give --data");
        Dataset set = Datasets.load(spec, trainSplit);
        Evaluation e = Trainer.evaluate(m.model(), set, m.normalize(), 200);
        System.out.printf("%s on %s (%s split):%n", model, set.name(), trainSplit ? "train" : "test");
        System.out.print(e.report(m.classes()));
        if (confusion != null) {
            jcnn.viz.ConfusionChart.write(confusion, e, m.classes());
            System.out.println("confusion matrix: " + confusion);
        }
        return 0;
    }
}
