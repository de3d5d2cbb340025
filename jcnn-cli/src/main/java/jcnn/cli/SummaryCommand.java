package jcnn.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import jcnn.io.ModelFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code jcnn summary MODEL}: each layer, its output shape and parameter count, and what the file records. */
@Command(name = "summary", mixinStandardHelpOptions = true,
        description = "Print a model's layers, output shapes and parameter counts, and what its file records.")
final class SummaryCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL", description = "a model file (.jcnn) or a built-in model name")
    String model;

    @Override
    public Integer call() throws Exception {
        ModelSource.Loaded loaded = ModelSource.load(model);
        System.out.print(loaded.model().summary(loaded.batchInputShape(1)));
        if (loaded.contents() != null) {
            loaded.contents().info().forEach((k, v) -> System.out.println(k + ": " + v));
            if (!loaded.contents().history().isEmpty()) {
                System.out.println("history (" + loaded.contents().history().size() + " epochs):");
                loaded.contents().history().forEach(h -> System.out.println("  " + h));
            }
        }
        return 0;
    }

    static boolean isFile(String s) {
        return Files.isRegularFile(Path.of(s));
    }
}
