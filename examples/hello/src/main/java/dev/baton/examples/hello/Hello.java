package dev.baton.examples.hello;

import dev.baton.Baton;

public final class Hello {
    public static void main(String[] args) {
        Baton app = Baton.create();
        app.get("/", ctx -> ctx.text("hello from gen " + app.generation() + "\n"));
        app.start();
    }
}
