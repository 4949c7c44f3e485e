package dev.baton.engine.sales;

import static org.hamcrest.Matchers.contains;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.put;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import dev.baton.engine.testing.WebSlice;
import java.util.List;
import org.camunda.bpm.engine.TaskService;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.web.servlet.WebMvcTest;
import org.springframework.http.MediaType;
import org.springframework.security.test.context.support.WithMockUser;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.MockMvc;

/**
 * Reps as a sales manager writes them (JSON or a CSV export of their CRM), the queue choice and
 * the outcome: each field at fault named, nothing stored or completed from a refused request.
 */
@WebMvcTest(SalesController.class)
@WebSlice
@WithMockUser(roles = "ADMIN")
class RepRequestsTest {
    @Autowired
    MockMvc mvc;
    @MockitoBean
    Assignments assignments;
    @MockitoBean
    SalesOutcomes outcomes;
    @MockitoBean
    SalesConfiguration.SalesRuleSets rules;
    @MockitoBean
    TaskService tasks;

    @Test
    void aRepWithoutTeamWithNoCapacityAndAnUnknownChannelIsRefusedNamingEachField() throws Exception {
        mvc.perform(put("/api/sales/reps/anna").contentType(MediaType.APPLICATION_JSON)
                        .content("{\"team\":\" \",\"capacity\":0,\"notifyBy\":\"fax\"}"))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.errors[*].field").value(contains("capacity", "notifyBy", "team")))
                .andExpect(jsonPath("$.detail").value("capacity: at least 1 (the most open leads at once);"
                        + " notifyBy: email or sms, not 'fax'; team: a rep needs a team"));
        verifyNoInteractions(assignments);
    }

    @Test
    void aRepWhoHearsBySmsNeedsAPhoneNumberAndHoursBatonCanRead() throws Exception {
        mvc.perform(put("/api/sales/reps/anna").contentType(MediaType.APPLICATION_JSON)
                        .content("{\"team\":\"emea\",\"capacity\":5,\"notifyBy\":\"sms\",\"workingHours\":\"{weekdays}\"}"))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.errors[*].field").value(contains("phone", "workingHours")))
                .andExpect(jsonPath("$.errors[0].message").value("notifyBy sms needs a phone number (E.164, e.g. +4915112345678)"))
                .andExpect(jsonPath("$.errors[1].message").value(org.hamcrest.Matchers.containsString("{weekdays}")));
        verifyNoInteractions(assignments);
    }

    @Test
    void aRepWhoHearsByEmailNeedsAnAddressNotABlankCell() throws Exception {
        mvc.perform(post("/api/sales/reps/import").contentType("text/csv").content("""
                        id,email,team,capacity
                        anna,,emea,5
                        """))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.field").value("email"))
                .andExpect(jsonPath("$.detail").value("line 2: email: notifyBy email needs an email address"));
        verifyNoInteractions(assignments);
    }

    @Test
    void repsImportFromCsvWithQuotedCommasAndListsInACell() throws Exception {
        mvc.perform(post("/api/sales/reps/import").contentType("text/csv").content("""
                        id,name,email,team,territories,capacity
                        anna,"Lee, Anna",anna@example.com,emea,DE;AT,5
                        """))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.reps").value(1));
        verify(assignments).putReps(List.of(new Rep("anna", "Lee, Anna", "anna@example.com", null, "emea", List.of("DE", "AT"),
                List.of(), List.of(), null, null, 5, false, null, null, 0, 0, 0)));
    }

    @Test
    void aCsvRowWithAnIdThatIsNoIdRefusesTheWholeFileNamingItsLine() throws Exception {
        mvc.perform(post("/api/sales/reps/import").contentType("text/csv").content("""
                        id,email,team,capacity
                        anna,anna@example.com,emea,5
                        "bo b",bob@example.com,emea,5
                        """))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.field").value("id"))
                .andExpect(jsonPath("$.detail").value("line 3: id: 'bo b' must be 1-100 letters, digits, '.', '_', '@' or '-'"));
        verifyNoInteractions(assignments);
    }

    @Test
    void aManagerChoiceAndARepAnswerNeedWhatTheyChoose() throws Exception {
        mvc.perform(post("/api/sales/queue/lead-1/assign").contentType(MediaType.APPLICATION_JSON).content("{}"))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.field").value("rep"));
        mvc.perform(post("/api/sales/leads/lead-1/outcome").contentType(MediaType.APPLICATION_JSON).content("{\"reason\":\"x\"}"))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.field").value("outcome"));
        verifyNoInteractions(assignments, tasks, outcomes);
    }

    @Test
    @WithMockUser(username = "ann", roles = "EMPLOYEE")
    void anEmployeeMayNotWriteReps() throws Exception {
        mvc.perform(put("/api/sales/reps/ann").contentType(MediaType.APPLICATION_JSON)
                        .content("{\"team\":\"emea\",\"capacity\":5,\"email\":\"ann@example.com\"}"))
                .andExpect(status().isForbidden());
        verifyNoInteractions(assignments);
    }
}
