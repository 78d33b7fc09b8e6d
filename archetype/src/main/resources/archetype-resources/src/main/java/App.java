package ${package};

/**
 * Starts the app: {@code java -jar target/${artifactId}.jar}. Settings come from {@code -Dbaton.*} properties and
 * {@code BATON_*} environment variables (port, pidFile, drainTimeout, ...). On {@code SIGUSR2} this same
 * {@code main} runs again, from the jar now at the deploy path, as the next generation on the same socket.
 */
public final class App {

    private App() {}

    public static void main(String[] args) {
        // Fetched from itself before a new generation takes over: warms the JIT up, and a 5xx here (a self-check)
        // keeps the old generation serving. Add your hot read paths.
        DaggerAppComponent.create().app().warmUp("/").start();
    }
}
