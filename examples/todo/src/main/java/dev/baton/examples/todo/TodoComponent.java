package dev.baton.examples.todo;

import dagger.Component;
import dev.baton.inject.BatonComponent;
import dev.baton.inject.BatonModule;
import javax.inject.Singleton;

/** The app's object graph; Dagger generates {@code DaggerTodoComponent} from it at compile time. */
// tag::component[]
@Singleton
@Component(modules = {BatonModule.class, TodoModule.class})
public interface TodoComponent extends BatonComponent {

    /** To connect and migrate before serving. */
    Database database();
}
// end::component[]
