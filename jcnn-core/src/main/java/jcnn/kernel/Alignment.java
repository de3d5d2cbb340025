package jcnn.kernel;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.ManagementFactory;

/**
 * Where the first cache line of a float array begins, when the JVM says so.
 *
 * <p>A 512-bit vector load or store that straddles two 64-byte cache lines costs two accesses: a transform-shaped
 * pass of such loads and stores runs 1.7× slower in L1 than with every vector on one line, 1.3× in L2
 * ({@code jcnn-bench}'s {@code AlignmentBench}). Java places objects on 8-byte boundaries and a float array's
 * elements after its header, so where a buffer's lines begin is unknown — unless the JVM is started with
 * {@code -XX:ObjectAlignmentInBytes=64} (as {@code ./jcnn} and the tests do): then every object starts on a line, and
 * the elements start a header's length after it. {@link #FLOATS} is the number of floats from an array's start to its
 * first line: buffers whose vectors are indexed from there (Winograd's interleaved copies, transformed patches and
 * products) have every 512-bit vector on one line. Without the flag it is 0, and they are as unaligned as before;
 * the results are the same either way, only the speed differs.
 */
final class Alignment {
    private Alignment() {}

    /** Floats from a float array's first element to the first 64-byte boundary, or 0 where that is not known. */
    static final int FLOATS = firstLine();

    /** The cache line, in bytes. */
    static final int LINE = 64;

    private static int firstLine() {
        try {
            HotSpotDiagnosticMXBean vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
            if (vm == null || Integer.parseInt(vm.getVMOption("ObjectAlignmentInBytes").getValue()) % LINE != 0) return 0;
            // the array header: mark word and class pointer (compact headers: one word holding both), then the length
            int header = flag(vm, "UseCompactObjectHeaders") ? 12 : flag(vm, "UseCompressedClassPointers") ? 16 : 20;
            return (LINE - header) / Float.BYTES;
        } catch (RuntimeException | LinkageError e) {
            return 0;  // not HotSpot, or a JVM without these options: nothing is known about where arrays start
        }
    }

    private static boolean flag(HotSpotDiagnosticMXBean vm, String name) {
        try {
            return Boolean.parseBoolean(vm.getVMOption(name).getValue());
        } catch (IllegalArgumentException e) {
            return false;  // an option this JVM does not have
        }
    }
}
