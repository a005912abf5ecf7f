package io.jpatroni.core.rest;

/** {@code GET /patroni}: always 200 with the node-status document (rest-api.md §5.1). */
public final class StatusResource implements Resource {

    private final RestContext context;

    public StatusResource(RestContext context) {
        this.context = context;
    }

    @Override
    public void register(Routes routes) {
        routes.get("patroni",
                r -> RestResponse.json(200, StatusJson.render(context.status(), context.scheduledRestart())));
    }
}
