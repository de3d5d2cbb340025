package jcnn.cli;

import java.util.concurrent.Callable;
import jcnn.kernel.Gemm;
import jcnn.kernel.Parallel;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code jcnn} command line. Exit codes: 0 success, 1 failure while working (a file that cannot be read, a
 * diverging run), 2 bad usage (an unknown option or an invalid value, reported before any work starts).
 */
@Command(name = "jcnn", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Convolutional neural networks in Java: train, evaluate, inspect and serve CNNs.",
        subcommands = {TrainCommand.class, EvalCommand.class, PredictCommand.class, SummaryCommand.class,
                ExportCommand.class, ImportCommand.class, BenchCommand.class, VizCommand.class, ServeCommand.class,
                CommandLine.HelpCommand.class},
        footerHeading = "%nExamples:%n",
        footer = {"  jcnn train                               SimpleConvNet on the embedded digits",
                  "  jcnn summary model.jcnn                  layers, shapes and parameter counts",
                  "  jcnn viz maps model.jcnn digit.png       feature maps of an image (PNG)",
                  "  jcnn serve                               the browser demo: draw a digit"})
public final class Main implements Callable<Integer> {

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns the exit code (for tests). */
    public static int run(String... args) {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof CommandLine.ParameterException pe) throw pe;
            boolean usage = e instanceof UsageException;
            String message = e.getMessage() == null ? e.toString() : e.getMessage();
            commandLine.getErr().println("jcnn " + commandLine.getCommandName() + ": " + message);
            if (Boolean.getBoolean("jcnn.debug")) e.printStackTrace(commandLine.getErr());
            return usage ? 2 : 1;
        });
        return cl.execute(args);
    }

    @Override
    public Integer call() {
        new CommandLine(this).usage(System.out);
        return 0;
    }

    /** A bad option value found while checking options (exit code 2). */
    public static final class UsageException extends RuntimeException {
        public UsageException(String message) {
            super(message);
        }
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {
                "jcnn " + (v == null ? "0.1.0-SNAPSHOT" : v),
                "Java " + Runtime.version() + " (" + System.getProperty("java.vm.vendor") + ")",
                "kernels: " + Gemm.implementation() + ", " + Parallel.threads() + " thread(s)"};
        }
    }
}
