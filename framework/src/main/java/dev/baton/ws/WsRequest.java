package dev.baton.ws;

import io.undertow.server.HttpServerExchange;
import io.undertow.util.HeaderValues;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a socket keeps of its upgrade request. Copied while the exchange is alive: Undertow reuses the exchange's
 * maps once the connection speaks WebSocket.
 */
record WsRequest(String path, Map<String, String> pathParams, Map<String, List<String>> query,
        Map<String, List<String>> headers) {

    static WsRequest of(HttpServerExchange exchange, Map<String, String> pathParams) {
        Map<String, List<String>> query = new LinkedHashMap<>();
        for (Map.Entry<String, Deque<String>> parameter : exchange.getQueryParameters().entrySet()) {
            query.put(parameter.getKey(), List.copyOf(parameter.getValue()));
        }
        // Header names are case-insensitive (RFC 9110 5.1).
        Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (HeaderValues values : exchange.getRequestHeaders()) {
            headers.computeIfAbsent(values.getHeaderName().toString(), name -> new ArrayList<>()).addAll(values);
        }
        headers.replaceAll((name, values) -> List.copyOf(values));
        return new WsRequest(exchange.getRequestPath(), Map.copyOf(pathParams), Collections.unmodifiableMap(query),
                Collections.unmodifiableMap(headers));
    }
}
