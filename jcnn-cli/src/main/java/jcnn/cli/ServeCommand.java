package jcnn.cli;

import java.net.BindException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import jcnn.serve.DemoModel;
import jcnn.serve.ServeSession;
import jcnn.serve.VizServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code jcnn serve [MODEL]}: the browser demo. Draw a digit and see the prediction, the feature maps, the filters,
 * a deconvnet projection and the saliency map; with {@code --train}, watch a training run live.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Serve the browser demo: draw a digit and see the prediction, the feature",
                       "maps, the filters, a deconvnet projection and the saliency map; with --train,",
                       "watch a training run live. Without MODEL: a small network trained on the",
                       "embedded digits (on first start, then cached)."},
        footerHeading = "%nExamples:%n",
        footer = {"  jcnn serve                            the demo network",
                  "  jcnn serve runs/simple-mnist10k.jcnn --port 9000",
                  "  jcnn serve --train --epochs 10        watch the demo network learn",
                  "  jcnn serve --port 0                   any free port (the URL is printed)"})
final class ServeCommand implements Callable<Integer> {
    static {
        // Pictures are drawn off-screen: never look for a display (a stale DISPLAY would make AWT fail).
        System.setProperty("java.awt.headless", "true");
    }

    @Parameters(index = "0", arity = "0..1", paramLabel = "MODEL", description = "a model file written by jcnn train (default: the demo network)")
    Path model;

    @Option(names = "--port", paramLabel = "PORT", description = "the port (default 8080; 0: any free port)")
    int port = 8080;

    @Option(names = "--bind", paramLabel = "ADDRESS", description = "the address to listen on (default 127.0.0.1: this machine only)")
    String bind = "127.0.0.1";

    @Option(names = "--train", description = "train the model (the demo network afresh, or MODEL further) while serving, live")
    boolean train;

    @Option(names = "--data", paramLabel = "DATA", description = "with --train: the data set (default: the model's, else mnist10k)")
    String data;

    @Option(names = "--epochs", paramLabel = "N", description = "with --train: epochs (default " + DemoModel.EPOCHS + ")")
    int epochs = 0;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "with --train: save the trained model here "
            + "(default: the demo network's cache; a given MODEL is never overwritten)")
    Path output;

    @Option(names = "--max-body", paramLabel = "BYTES", description = "the largest request body accepted (default 2 MiB)")
    int maxBody = VizServer.DEFAULT_MAX_BODY_BYTES;

    @Override
    public Integer call() throws Exception {
        if (port < 0 || port > 65535) throw new Main.UsageException("--port must be in [0, 65535], got " + port);
        if (epochs < 0) throw new Main.UsageException("--epochs must be >= 1, got " + epochs);
        if (maxBody < 1024) throw new Main.UsageException("--max-body must be at least 1024, got " + maxBody);
        if (model != null && !Files.isRegularFile(model)) throw new Main.UsageException("no model file " + model);
        if (!train && (data != null || epochs > 0 || output != null)) {
            throw new Main.UsageException("--data, --epochs and --output apply to --train");
        }
        if (model != null && output != null && output.toAbsolutePath().normalize().equals(model.toAbsolutePath().normalize())) {
            throw new Main.UsageException("--output must not be the served MODEL file");
        }
        ServeSession.Options o = new ServeSession.Options(model, bind, port, train, data, epochs, output, maxBody, DemoModel.cacheFile());
        ServeSession session;
        try {
            session = ServeSession.start(o, System.out);
        } catch (BindException e) {
            throw new java.io.IOException("cannot listen on " + bind + ":" + port + " (" + e.getMessage()
                    + "); pick another with --port (0: any free port)", e);
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            session.close();
            stopped.countDown();
        }));
        System.out.println("jcnn serve: listening on " + session.server().uri() + " (Ctrl-C to stop)");
        System.out.flush();
        stopped.await();
        return 0;
    }
}
