package jcnn.serve;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;
import jcnn.io.ModelFile;
import jcnn.nn.Sequential;
import jcnn.train.EpochStats;
import jcnn.train.TrainingListener;
import jcnn.viz.ModelCopies;

/**
 * What {@code jcnn serve} runs: the {@link VizServer} with a model from a file or the {@link DemoModel}, and, when
 * asked or when the demo model is not cached yet, a {@link LiveTraining} run that the page follows.
 *
 * <ul>
 *   <li>a model file: served as it is; with {@code train}, trained further on its data (or {@code data}), live;</li>
 *   <li>no model file: the cached demo model; if there is none (first start), or with {@code train}, a fresh demo
 *       network is trained live and then cached.</li>
 * </ul>
 */
public final class ServeSession implements AutoCloseable {
    /**
     * @param model    a model file, or null for the demo model
     * @param bind     the address to listen on (127.0.0.1 unless told otherwise)
     * @param port     the port (0: any free one)
     * @param train    follow a training run live
     * @param data     the data set to train on (null: the model's recorded one, else mnist10k)
     * @param epochs   epochs to train (0: the demo recipe's)
     * @param output   where a live-trained model is saved (null: the demo cache for the demo model, nowhere otherwise)
     * @param maxBody  the largest request body in bytes
     * @param cache    the demo model's cache file
     */
    public record Options(Path model, String bind, int port, boolean train, String data, int epochs, Path output, int maxBody, Path cache) {
        public static Options defaults() {
            return new Options(null, "127.0.0.1", 8080, false, null, 0, null, VizServer.DEFAULT_MAX_BODY_BYTES, DemoModel.cacheFile());
        }
    }

    private final VizServer server;
    private final LiveTraining training;

    private ServeSession(VizServer server, LiveTraining training) {
        this.server = server;
        this.training = training;
    }

    /** Starts serving (and training, when that applies); messages go to {@code log}. */
    public static ServeSession start(Options o, PrintStream log) throws IOException {
        TrainingFeed feed = new TrainingFeed();
        // The demo network with --train starts afresh; otherwise it is the cached one, when there is one.
        ModelFile.Contents contents = o.model() != null ? ModelFile.load(o.model()) : o.train() ? null : DemoModel.cached(o.cache());
        boolean trainNow = o.train() || contents == null;
        String what;
        ModelService service;
        if (contents != null) {
            what = o.model() != null ? o.model().toString() : "the demo network (cached in " + o.cache() + ")";
            service = ModelService.of(contents, describe(what, contents));
        } else {
            what = "the demo network";
            Sequential fresh = DemoModel.fresh();
            contents = ModelFile.Contents.of(fresh);
            service = null; // built from the plan's info below
        }
        VizServer server = VizServer.start(o.bind(), o.port(), service, feed, o.maxBody());
        LiveTraining live = null;
        if (trainNow) {
            String data = o.data() != null ? o.data() : contents.info().getOrDefault("data", "mnist10k");
            int epochs = o.epochs() > 0 ? o.epochs() : DemoModel.EPOCHS;
            Sequential model = ModelCopies.copy(contents.model());
            String first = o.model() == null && !o.train() ? " (first start; the result is cached in " + o.cache() + ")" : "";
            feed.status("loading " + data + " to train " + what + first);
            DemoModel.Plan plan;
            try {
                plan = DemoModel.plan(model, data, epochs, service == null ? null : service.normalize(), service == null);
            } catch (IOException | RuntimeException e) {
                server.close();
                throw e;
            }
            if (service == null) {
                ModelFile.Contents c = new ModelFile.Contents(model, plan.info(), java.util.List.of(), java.util.Map.of());
                service = ModelService.of(c, "the demo network, training on " + data);
                server.setModel(service);
            }
            feed.status("training " + what + " on " + data + " for " + epochs + " epochs" + first);
            plan.trainer().listener(new TrainingListener() {
                @Override
                public void onEpochEnd(EpochStats s) {
                    log.printf(Locale.ROOT, "jcnn serve: epoch %d/%d: loss %.4f, accuracy %.2f%%, test accuracy %.2f%%, %.0f images/s%n",
                            s.epoch(), epochs, s.trainLoss(), 100 * s.trainAccuracy(), 100 * s.valAccuracy(), s.imagesPerSecond());
                }
            });
            Path saveTo = o.output() != null ? o.output() : o.model() == null ? o.cache() : null;
            ModelService served = service;
            String trained = what + ", trained on " + data + (saveTo != null ? " (saved to " + saveTo + ")" : "");
            live = LiveTraining.start(plan.trainer(), plan.train(), service, feed, plan.info(), saveTo, c -> {
                served.setDescription(describe(trained, c));
                if (saveTo != null) log.println("jcnn serve: trained model saved to " + saveTo);
            });
        }
        return new ServeSession(server, live);
    }

    private static String describe(String what, ModelFile.Contents c) {
        String acc = c.info("test-accuracy");
        if (acc == null && !c.history().isEmpty()) {
            EpochStats last = EpochStats.parse(c.history().get(c.history().size() - 1));
            if (last.hasValidation()) acc = Double.toString(last.valAccuracy());
        }
        if (acc == null) return what;
        try {
            return String.format(Locale.ROOT, "%s, test accuracy %.2f%%", what, 100 * Double.parseDouble(acc));
        } catch (NumberFormatException e) {
            return what;
        }
    }

    public VizServer server() {
        return server;
    }

    /** The live training run, or null when there is none. */
    public LiveTraining training() {
        return training;
    }

    @Override
    public void close() {
        server.close();
    }
}
