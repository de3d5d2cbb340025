package jcnn.kernel;

/**
 * Chooses, once at start-up, between the Vector API kernels and their scalar twins.
 *
 * <p>The Vector API ({@code jdk.incubator.vector}) is used when the JVM was started with
 * {@code --add-modules jdk.incubator.vector} and the system property {@code jcnn.vector} is not
 * {@code false}. Otherwise the scalar kernels run, and one line on stderr says why (unless the scalar path was
 * asked for). Only this class names the Panama implementations, and only by reflection, so the rest of the
 * library loads even where the incubator module is absent.
 */
final class VectorSupport {
    static final GemmKernel GEMM;
    static final ElementwiseKernel ELEMENTWISE;
    /** The convolution driver, or null on the scalar path (Convolution then calls the plain GEMM). */
    static final ConvDriver CONV;
    static final String DESCRIPTION;

    static {
        GemmKernel gemm = new GemmReference();
        ElementwiseKernel elementwise = new ElementwiseKernel.Scalar();
        ConvDriver conv = null;
        String description;
        String setting = System.getProperty("jcnn.vector", "auto").trim().toLowerCase(java.util.Locale.ROOT);
        if (setting.equals("false") || setting.equals("scalar")) {
            description = "scalar (forced by -Djcnn.vector=" + setting + ")";
        } else if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            description = "scalar (start the JVM with --add-modules jdk.incubator.vector for SIMD kernels)";
            System.err.println("jcnn: Vector API not available, using scalar kernels; " + description);
        } else {
            try {
                gemm = (GemmKernel) Class.forName("jcnn.kernel.GemmPanama").getDeclaredConstructor().newInstance();
                elementwise = (ElementwiseKernel) Class.forName("jcnn.kernel.PanamaElementwise").getDeclaredConstructor().newInstance();
                conv = (ConvDriver) Class.forName("jcnn.kernel.PanamaConv").getDeclaredConstructor().newInstance();
                description = "Vector API, " + Class.forName("jcnn.kernel.GemmPanama").getDeclaredField("LANES").getInt(null)
                        + " float lanes" + (Alignment.FLOATS > 0 ? ", buffers on cache lines" : "");
            } catch (ReflectiveOperationException | LinkageError e) {
                description = "scalar (Vector API failed to load: " + e + ")";
                System.err.println("jcnn: " + description);
            }
        }
        GEMM = gemm;
        ELEMENTWISE = elementwise;
        CONV = conv;
        DESCRIPTION = description;
    }

    private VectorSupport() {}
}
