package dev.baton.examples.hello;

import dev.baton.Baton;
import java.io.IOException;
import java.util.Properties;

public final class Hello {
    public static void main(String[] args) throws IOException {
        Properties build = new Properties();
        build.load(Hello.class.getResourceAsStream("/hello.properties"));
        // tag::app[]
        Baton app = Baton.create();
        app.get("/", ctx -> ctx.text("hello from " + build.getProperty("version") + ", gen " + app.generation() + "\n"));
        app.warmUp("/"); // fetched from itself, and checked, before a new generation takes over
        app.start();
        // end::app[]
    }
}
