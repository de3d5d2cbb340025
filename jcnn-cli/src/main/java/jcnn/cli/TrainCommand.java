package jcnn.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import jcnn.data.Augmentation;
import jcnn.data.Dataset;
import jcnn.data.Datasets;
import jcnn.data.Normalize;
import jcnn.io.ModelFile;
import jcnn.kernel.Gemm;
import jcnn.kernel.Parallel;
import jcnn.nn.Architecture;
import jcnn.nn.Init;
import jcnn.nn.Layer;
import jcnn.nn.Models;
import jcnn.nn.Sequential;
import jcnn.nn.activation.Activations;
import jcnn.optim.LrSchedule;
import jcnn.optim.Optimizer;
import jcnn.optim.Optimizers;
import jcnn.optim.Schedules;
import jcnn.train.EpochStats;
import jcnn.train.ModelInfo;
import jcnn.train.Evaluation;
import jcnn.train.Trainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code jcnn train}: trains a CNN and writes a model file that is also the checkpoint (updated after every
 * epoch; {@code --resume} continues from it). With no options it trains the seeds' SimpleConvNet on the embedded
 * digits with the recipe chosen on a validation split (He initialisation, ±2-pixel shifts, Adam with a cosine
 * schedule) and prints the test accuracy.
 */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Train a CNN; the output file is a checkpoint after every epoch and the final model.",
        footerHeading = "%nExamples:%n",
        footer = {"  jcnn train                                         SimpleConvNet on the embedded digits",
                  "  jcnn train --model deep --epochs 40",
                  "  jcnn train --data fashion-mnist --model bn --epochs 15 --output fashion.jcnn",
                  "  jcnn train --model \"Conv2d(1, 8, 3), ReLU(), MaxPool2d(2), Flatten(), Linear(1352, 10)\"",
                  "  jcnn train --output run.jcnn --resume              continue an interrupted run"})
final class TrainCommand implements Callable<Integer> {
    /**
     * The validation split does not move with --seed: runs that differ in seed (or in anything else) are
     * compared on the same held-out images.
     */
    static final long SPLIT_SEED = 0;

    @Option(names = "--model", paramLabel = "MODEL", description = "simple (default), deep, lenet5, bn, a model file, or layer text")
    String model = "simple";

    @Option(names = "--data", paramLabel = "DATA", description = "mnist10k (default, embedded), fashion-mnist, or a path (IDX folder, .npz, image folder)")
    String data = "mnist10k";

    @Option(names = "--optimizer", paramLabel = "NAME", description = "sgd, momentum, nesterov, adagrad, rmsprop, adadelta, adam (default), adamw, ... (see 'jcnn train --list')")
    String optimizer = "adam";

    @Option(names = "--lr", paramLabel = "RATE", description = "learning rate (default: the optimizer's default, 0.001 for Adam)")
    Double lr;

    @Option(names = "--schedule", paramLabel = "SCHEDULE", description = "constant, cosine (default), step(10, 0.5), exponential(0.95), ...")
    String schedule = "cosine";

    @Option(names = "--warmup", paramLabel = "EPOCHS", description = "linear learning-rate warm-up over this many epochs (default 0)")
    double warmup = 0;

    @Option(names = "--weight-decay", paramLabel = "L2", description = "weight decay (default 0)")
    double weightDecay = 0;

    @Option(names = "--clip-norm", paramLabel = "NORM", description = "clip the global gradient norm to this (default: off)")
    Double clipNorm;

    @Option(names = "--activation", paramLabel = "NAME", description = "hidden activation of built-in models (default relu; see --list)")
    String activation = "relu";

    @Option(names = "--init", paramLabel = "SCHEME", description = "he (default), xavier, lecun, pytorch, normal:0.01 (the book's)")
    String init = "he";

    @Option(names = "--epochs", paramLabel = "N", description = "epochs to train (default 25)")
    Integer epochs;

    @Option(names = "--batch-size", paramLabel = "N", description = "mini-batch size (default 100)")
    int batchSize = 100;

    @Option(names = "--shift", paramLabel = "PIXELS", description = "random translation by up to this many pixels (default 2)")
    int shift = 2;

    @Option(names = "--flip", paramLabel = "P", description = "horizontal flip probability (default 0; not for digits)")
    double flip = 0;

    @Option(names = "--label-smoothing", paramLabel = "EPS", description = "label smoothing of the loss (default 0)")
    double labelSmoothing = 0;

    @Option(names = "--validation", paramLabel = "N", description = "hold out N training images for validation (default 0: report the test set each epoch)")
    int validation = 0;

    @Option(names = "--early-stopping", paramLabel = "PATIENCE", description = "stop after this many epochs without a better validation loss (needs --validation)")
    int patience = 0;

    @Option(names = "--seed", paramLabel = "N", description = "seed of weights, data order, augmentation and dropout (default 42)")
    long seed = 42;

    @Option(names = "--threads", paramLabel = "N", description = "threads for the kernels (default: all processors)")
    Integer threads;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "model file, updated after every epoch (default runs/<model>-<data>.jcnn)")
    Path output;

    @Option(names = "--resume", description = "continue the run recorded in the output file")
    boolean resume;

    @Option(names = "--quiet", description = "no progress bar")
    boolean quiet;

    @Option(names = "--no-plot", description = "do not write the training-curves picture next to the model file")
    boolean noPlot;

    @Option(names = "--list", description = "list the models, activations, optimizers and schedules, then exit")
    boolean list;

    @Override
    public Integer call() throws IOException {
        if (list) {
            System.out.println("models:      " + String.join(", ", Models.NAMES));
            System.out.println("activations: " + String.join(", ", Activations.names()));
            System.out.println("optimizers:  " + String.join(", ", Optimizers.names()));
            System.out.println("schedules:   " + String.join(", ", Schedules.names()));
            return 0;
        }
        if (threads != null) {
            if (threads < 1) throw new Main.UsageException("--threads must be >= 1, got " + threads);
            Parallel.setThreads(threads);
        }
        Path out = output != null ? output : Path.of("runs", safeName(model) + "-" + safeName(data) + ".jcnn");
        return resume ? resume(out) : fresh(out);
    }

    // ---------------------------------------------------------------------------------------------------

    private int fresh(Path out) throws IOException {
        int epochCount = epochs == null ? 25 : epochs;
        checkOptions(epochCount);
        IntFunction<Layer> act = activationFactory(activation);
        Init initScheme = parse(() -> Init.byName(init), "--init");
        LrSchedule lrSchedule = schedule(schedule, warmup, epochCount);
        checkOptimizerName(optimizer);
        if (model.contains("(") && !Files.isRegularFile(Path.of(model))) parse(() -> Architecture.parseModel(model), "--model");

        Dataset train = Datasets.load(data, true), test = Datasets.load(data, false);
        Dataset monitor = test;
        String monitorName = "test";
        if (validation > 0) {
            if (validation >= train.size()) throw new Main.UsageException("--validation " + validation + " leaves no training images (the set has " + train.size() + ")");
            Dataset.Split split = train.split(train.size() - validation, SPLIT_SEED);
            train = split.first();
            monitor = split.second();
            monitorName = "validation";
        }
        Normalize normalize = Normalize.fit(train);
        Sequential net = buildModel(train, act);
        net.initialize(initScheme, seed);
        Optimizer opt = optimizer(net, optimizer, lr, weightDecay, clipNorm);

        Map<String, String> info = new LinkedHashMap<>();
        new ModelInfo(train.imageShape(), train.classNames(), normalize).writeTo(info);
        info.put("model", model);
        info.put("data", data);
        info.put("optimizer", opt.name());
        info.put("optimizer-settings", opt.toString());
        info.put("lr", Double.toString(opt.learningRate()));
        info.put("weight-decay", Double.toString(weightDecay));
        if (clipNorm != null) info.put("clip-norm", Double.toString(clipNorm));
        info.put("schedule", lrSchedule.toString());
        info.put("activation", activation);
        info.put("init", initScheme.toString());
        info.put("epochs", Integer.toString(epochCount));
        info.put("batch-size", Integer.toString(batchSize));
        info.put("augmentation", "shift=" + shift + " flip=" + flip);
        info.put("label-smoothing", Double.toString(labelSmoothing));
        info.put("validation", Integer.toString(validation));
        info.put("monitor", monitorName);
        info.put("early-stopping", Integer.toString(patience));
        info.put("seed", Long.toString(seed));
        info.put("threads", Integer.toString(Parallel.threads()));

        System.out.printf("jcnn train: %s on %s (%d train / %d %s images), %s, %d epochs, batch %d, seed %d%n",
                model, data, train.size(), monitor.size(), monitorName, opt, epochCount, batchSize, seed);
        System.out.printf("kernels: %s, %d thread(s); output: %s%n", Gemm.implementation(), Parallel.threads(), out);
        Trainer trainer = trainer(net, opt, lrSchedule, epochCount, normalize, monitor).checkpoint(out, info);
        return run(trainer, train, test, out, info);
    }

    private int resume(Path out) throws IOException {
        if (!Files.isRegularFile(out)) throw new Main.UsageException("--resume: no checkpoint at " + out + " (give it with --output)");
        ModelFile.Contents saved = ModelFile.load(out);
        Map<String, String> info = saved.info();
        String[] needed = {"data", "optimizer", "lr", "schedule", "epochs", "batch-size", "seed", "normalize-mean", "normalize-std", "monitor"};
        for (String k : needed) {
            if (info.get(k) == null) throw new IOException(out + ": not a jcnn train checkpoint (no '" + k + "' recorded)");
        }
        int epochCount = epochs != null ? epochs : Integer.parseInt(info.get("epochs"));
        int done = saved.history().size();
        if (done >= epochCount) {
            System.out.printf("jcnn train: %s already has %d of %d epochs; nothing to resume (raise --epochs to train longer)%n", out, done, epochCount);
            return 0;
        }
        seed = Long.parseLong(info.get("seed"));
        batchSize = Integer.parseInt(info.get("batch-size"));
        data = info.get("data");
        String[] aug = info.getOrDefault("augmentation", "shift=0 flip=0").split(" ");
        shift = Integer.parseInt(aug[0].substring(6));
        flip = Double.parseDouble(aug[1].substring(5));
        labelSmoothing = Double.parseDouble(info.getOrDefault("label-smoothing", "0"));
        validation = Integer.parseInt(info.getOrDefault("validation", "0"));
        patience = Integer.parseInt(info.getOrDefault("early-stopping", "0"));
        double decay = Double.parseDouble(info.getOrDefault("weight-decay", "0"));
        Double clip = info.containsKey("clip-norm") ? Double.valueOf(info.get("clip-norm")) : null;

        Dataset train = Datasets.load(data, true), test = Datasets.load(data, false), monitor = test;
        if (validation > 0) {
            Dataset.Split split = train.split(train.size() - validation, SPLIT_SEED);
            train = split.first();
            monitor = split.second();
        }
        Normalize normalize = ModelInfo.of(saved).normalize();
        Sequential net = saved.model();
        Optimizer opt = optimizer(net, info.get("optimizer"), Double.parseDouble(info.get("lr")), decay, clip);
        LrSchedule lrSchedule = parse(() -> Schedules.byName(info.get("schedule")), "the recorded schedule");
        info.put("epochs", Integer.toString(epochCount));
        System.out.printf("jcnn train: resuming %s after epoch %d of %d (%s on %s, seed %d)%n", out, done, epochCount,
                info.getOrDefault("model", "?"), data, seed);
        Trainer trainer = trainer(net, opt, lrSchedule, epochCount, normalize, monitor).resume(saved).checkpoint(out, info);
        return run(trainer, train, test, out, info);
    }

    private Trainer trainer(Sequential net, Optimizer opt, LrSchedule lrSchedule, int epochCount, Normalize normalize, Dataset monitor) {
        Trainer t = new Trainer(net, opt, new jcnn.loss.SoftmaxCrossEntropy((float) labelSmoothing))
                .epochs(epochCount).batchSize(batchSize).seed(seed).schedule(lrSchedule)
                .augmentation(Augmentation.shift(shift).withHorizontalFlip(flip))
                .normalize(normalize).validation(monitor).earlyStopping(patience);
        if (!quiet) t.listener(new ProgressBarListener());
        return t;
    }

    private int run(Trainer trainer, Dataset train, Dataset test, Path out, Map<String, String> info) throws IOException {
        long start = System.nanoTime();
        try {
            trainer.fit(train);
        } catch (Trainer.TrainingDivergedException e) {
            System.err.println("jcnn train: " + e.getMessage());
            return 1;
        }
        double minutes = (System.nanoTime() - start) / 60e9;
        Normalize normalize = trainer.normalize();
        Evaluation result = Trainer.evaluate(trainer.model(), test, normalize, 200);
        info.put("test-accuracy", String.format(Locale.ROOT, "%.4f", result.accuracy()));
        info.put("test-loss", String.format(Locale.ROOT, "%.4f", result.loss()));
        info.put("epochs-done", Integer.toString(trainer.history().size()));
        ModelFile.save(out, new ModelFile.Contents(trainer.model(), info,
                trainer.history().stream().map(EpochStats::toLine).toList(), trainer.optimizer().state()));
        System.out.printf(Locale.ROOT, "test accuracy: %.2f%% (loss %.4f) on %d images after %d epochs, %.1f min; model: %s%n",
                100 * result.accuracy(), result.loss(), test.size(), trainer.history().size(), minutes, out);
        if (!noPlot) {
            Path curves = siblingWithSuffix(out, "-curves.png");
            jcnn.viz.TrainingCurves.write(curves, trainer.history());
            System.out.println("training curves: " + curves);
        }
        return 0;
    }

    // ---------------------------------------------------------------------------------------------------
    // Building blocks (shared with other commands)
    // ---------------------------------------------------------------------------------------------------

    private void checkOptions(int epochCount) {
        if (epochCount < 1) throw new Main.UsageException("--epochs must be >= 1, got " + epochCount);
        if (batchSize < 1) throw new Main.UsageException("--batch-size must be >= 1, got " + batchSize);
        if (shift < 0) throw new Main.UsageException("--shift must be >= 0, got " + shift);
        if (!(flip >= 0 && flip <= 1)) throw new Main.UsageException("--flip must be in [0, 1], got " + flip);
        if (!(labelSmoothing >= 0 && labelSmoothing < 1)) throw new Main.UsageException("--label-smoothing must be in [0, 1), got " + labelSmoothing);
        if (validation < 0) throw new Main.UsageException("--validation must be >= 0, got " + validation);
        if (patience < 0) throw new Main.UsageException("--early-stopping must be >= 0, got " + patience);
        if (patience > 0 && validation == 0) throw new Main.UsageException("--early-stopping needs --validation N (the test set only reports)");
        if (!(warmup >= 0)) throw new Main.UsageException("--warmup must be >= 0, got " + warmup);
        if (lr != null && !(lr > 0)) throw new Main.UsageException("--lr must be > 0, got " + lr);
        if (!(weightDecay >= 0)) throw new Main.UsageException("--weight-decay must be >= 0, got " + weightDecay);
        if (clipNorm != null && !(clipNorm > 0)) throw new Main.UsageException("--clip-norm must be > 0, got " + clipNorm);
        if (Files.isRegularFile(Path.of(model)) || model.contains("(")) return;
        if (!Models.NAMES.contains(model.toLowerCase(Locale.ROOT))) {
            throw new Main.UsageException("unknown model '" + model + "'; built-in: " + String.join(", ", Models.NAMES)
                    + ", or a model file, or layer text");
        }
    }

    private Sequential buildModel(Dataset train, IntFunction<Layer> act) throws IOException {
        Path p = Path.of(model);
        if (Files.isRegularFile(p)) return ModelFile.load(p).model();
        if (model.contains("(")) return parse(() -> Architecture.parseModel(model), "--model");
        return Models.byName(model, train.imageShape(), train.numClasses(), act);
    }

    static IntFunction<Layer> activationFactory(String name) {
        parse(() -> Activations.byName(name, 1), "--activation");
        return channels -> Activations.byName(name, channels);
    }

    /** Rejects an unknown optimizer name before any data is loaded. */
    static void checkOptimizerName(String name) {
        jcnn.nn.Parameter probe = new jcnn.nn.Parameter("probe", jcnn.nn.Parameter.Kind.WEIGHT, jcnn.tensor.Tensor.zeros(1), 1, 1);
        parse(() -> Optimizers.byName(name, List.of(probe), 1e-3), "--optimizer");
    }

    static Optimizer optimizer(Sequential net, String name, Double lr, double weightDecay, Double clipNorm) {
        Optimizer opt = parse(() -> Optimizers.byName(name, net.parameters(), lr != null ? lr : Optimizers.defaultLearningRate(name)), "--optimizer");
        if (weightDecay > 0) opt.weightDecay(weightDecay);
        if (clipNorm != null) opt.clipGradNorm(clipNorm);
        return opt;
    }

    static LrSchedule schedule(String spec, double warmupEpochs, int epochCount) {
        String s = spec.trim().toLowerCase(Locale.ROOT);
        LrSchedule base = switch (s) {
            case "cosine" -> Schedules.cosine(Math.max(1e-9, epochCount - warmupEpochs));
            case "none", "constant" -> Schedules.constant();
            default -> parse(() -> Schedules.byName(spec), "--schedule");
        };
        return warmupEpochs > 0 ? Schedules.warmup(warmupEpochs, base) : base;
    }

    static <T> T parse(Supplier<T> f, String option) {
        try {
            return f.get();
        } catch (IllegalArgumentException e) {
            throw new Main.UsageException(option + ": " + e.getMessage());
        }
    }

    private static String safeName(String s) {
        String name = Path.of(s).getFileName() == null ? s : Path.of(s).getFileName().toString();
        if (s.contains("(")) name = "custom";
        return name.replaceAll("\\.jcnn$", "").replaceAll("[^A-Za-z0-9_-]", "");
    }

    /** {@code runs/a.jcnn} → {@code runs/a<suffix>}. */
    static Path siblingWithSuffix(Path file, String suffix) {
        String name = file.getFileName().toString().replaceAll("\\.jcnn$", "");
        return file.resolveSibling(name + suffix);
    }



}
