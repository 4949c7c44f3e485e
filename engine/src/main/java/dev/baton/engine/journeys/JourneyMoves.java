package dev.baton.engine.journeys;

import dev.baton.engine.journeys.JourneyMovePublisher.JourneyMove;
import java.io.IOException;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.ExecutionListener;
import org.camunda.bpm.engine.impl.bpmn.parser.AbstractBpmnParseListener;
import org.camunda.bpm.engine.impl.cfg.AbstractProcessEnginePlugin;
import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;
import org.camunda.bpm.engine.impl.persistence.entity.ProcessDefinitionEntity;
import org.camunda.bpm.engine.impl.pvm.process.ActivityImpl;
import org.camunda.bpm.engine.impl.pvm.process.ScopeImpl;
import org.camunda.bpm.engine.impl.util.xml.Element;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Where each lead stands in each journey, for segments ("in journey J", "at step S", "finished J
 * at end E"). A journey instance's moves — entered, reached a waiting step (user task, receive
 * task, intermediate catch event, event-based gateway), finished at an end event, left (cancelled)
 * — are written to {@code baton_journey_move} in the very transaction that made them: a move
 * Camunda rolls back is not recorded, one it commits is not lost. The relay hands them, in order,
 * to the {@link JourneyMovePublisher} (the leads feature sends them as engine events to the lead's
 * partition and keeps them on the profile), then deletes them. Every node relays; a move sent
 * twice changes nothing (message ids, and seq only moves forward).
 *
 * <p>Journeys entered through the send-only path (no process instance) have no state to keep.
 */
@Component
class JourneyMoves extends AbstractProcessEnginePlugin {
    private static final Logger log = LoggerFactory.getLogger(JourneyMoves.class);
    private static final int BATCH = 500;
    private final JdbcTemplate jdbc;
    private final JourneyMovePublisher publisher;
    private final Clock clock;
    private final boolean enabled;

    JourneyMoves(JdbcTemplate jdbc, JourneyMovePublisher publisher, Clock clock,
                 @Value("${baton.journeys.keep-state:true}") boolean enabled) {
        this.jdbc = jdbc;
        this.publisher = publisher;
        this.clock = clock;
        this.enabled = enabled;
    }

    @Override
    public void preInit(ProcessEngineConfigurationImpl configuration) {
        if (!enabled) {
            return;
        }
        ParseListeners.addAfter(configuration, new AbstractBpmnParseListener() {
            @Override
            public void parseProcess(Element element, ProcessDefinitionEntity process) {
                String journey = process.getKey();
                process.addListener(ExecutionListener.EVENTNAME_START, (ExecutionListener) execution ->
                        record(execution, JourneyMove.ENTERED, journey, "journey-entered:" + execution.getProcessInstanceId(), null));
                process.addListener(ExecutionListener.EVENTNAME_END, (ExecutionListener) execution -> {
                    if (execution.isCanceled()) {
                        record(execution, JourneyMove.LEFT, journey, "journey-left:" + execution.getProcessInstanceId(), null);
                    } else {
                        record(execution, JourneyMove.FINISHED, journey, "journey-finished:" + execution.getProcessInstanceId(),
                                execution.getCurrentActivityId());
                    }
                });
            }

            @Override
            public void parseUserTask(Element element, ScopeImpl scope, ActivityImpl activity) {
                waiting(activity);
            }

            @Override
            public void parseReceiveTask(Element element, ScopeImpl scope, ActivityImpl activity) {
                waiting(activity);
            }

            @Override
            public void parseIntermediateCatchEvent(Element element, ScopeImpl scope, ActivityImpl activity) {
                waiting(activity);
            }

            @Override
            public void parseEventBasedGateway(Element element, ScopeImpl scope, ActivityImpl activity) {
                waiting(activity);
            }
        });
    }

    private void waiting(ActivityImpl activity) {
        activity.addListener(ExecutionListener.EVENTNAME_START, (ExecutionListener) execution ->
                record(execution, JourneyMove.STEP, keyOf(execution), "journey-step:" + execution.getActivityInstanceId(),
                        activity.getId()));
    }

    private static String keyOf(DelegateExecution execution) {
        String definition = execution.getProcessDefinitionId();
        int colon = definition.indexOf(':');
        return colon < 0 ? definition : definition.substring(0, colon);
    }

    /** In the journey's transaction: nothing for an instance without a lead (no business key). */
    private void record(DelegateExecution execution, String kind, String journey, String messageId, String detail) {
        String lead = execution.getProcessBusinessKey();
        if (lead == null || lead.isBlank()) {
            return;
        }
        jdbc.update("INSERT INTO baton_journey_move (message_id, lead_id, kind, journey, instance_id, detail, moved_at)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?)", messageId, lead, kind, journey, execution.getProcessInstanceId(), detail,
                Timestamp.from(clock.instant()));
    }

    /** Sends the recorded moves on, oldest first, while Kafka takes them. */
    @Scheduled(fixedDelayString = "${baton.journeys.state-relay:1s}", initialDelayString = "${baton.journeys.state-relay:1s}")
    void relay() {
        if (!enabled) {
            return;
        }
        try {
            int sent = 0;
            while (true) {
                List<Map<String, Object>> rows = jdbc.queryForList("SELECT seq, message_id, lead_id, kind, journey, instance_id,"
                        + " detail, moved_at FROM baton_journey_move ORDER BY seq FETCH FIRST " + BATCH + " ROWS ONLY");
                if (rows.isEmpty()) {
                    break;
                }
                List<JourneyMove> moves = new ArrayList<>(rows.size());
                for (Map<String, Object> row : rows) {
                    moves.add(move(row));
                }
                publisher.publish(moves);
                jdbc.batchUpdate("DELETE FROM baton_journey_move WHERE seq = ?",
                        rows.stream().map(r -> new Object[] {((Number) r.get("seq")).longValue()}).toList());
                sent += rows.size();
                if (rows.size() < BATCH) {
                    break;
                }
            }
            if (sent > 0) {
                log.debug("Relayed {} journey moves", sent);
            }
        } catch (IOException | RuntimeException e) {
            // Kept in the table: the next relay sends them.
            log.warn("Relaying journey moves failed, will retry: {}", e.getMessage());
        }
    }

    private static JourneyMove move(Map<String, Object> row) {
        return new JourneyMove((String) row.get("kind"), (String) row.get("lead_id"), (String) row.get("message_id"),
                (String) row.get("journey"), (String) row.get("instance_id"), ((Number) row.get("seq")).longValue(),
                (String) row.get("detail"), ((Timestamp) row.get("moved_at")).toInstant());
    }
}
