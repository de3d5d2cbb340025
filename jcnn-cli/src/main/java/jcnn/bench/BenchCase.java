package jcnn.bench;

/**
 * One benchmark: a name, its group ("gemm", "conv", ...), how much work one run does and in what unit
 * (floating-point operations, images), and the run itself. {@code setup} runs once before timing.
 */
public record BenchCase(String group, String name, double workPerRun, String unit, Runnable setup, Runnable run) {

    /** A result: the case and its timing. */
    public record Result(BenchCase benchCase, Stopwatch.Timing timing) {
        /** Work per second at the median time: GFLOP/s for flops, images/s for images. */
        public double rate() {
            double r = benchCase.workPerRun() / timing.median();
            return benchCase.unit().equals("flop") ? r / 1e9 : r;
        }

        public String rateUnit() {
            return benchCase.unit().equals("flop") ? "GFLOP/s" : benchCase.unit() + "/s";
        }
    }
}
