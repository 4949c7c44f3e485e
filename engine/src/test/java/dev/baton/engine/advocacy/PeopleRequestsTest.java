package dev.baton.engine.advocacy;

import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.startsWith;
import static org.mockito.ArgumentMatchers.anyList;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.put;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import dev.baton.engine.testing.WebSlice;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.web.servlet.WebMvcTest;
import org.springframework.http.MediaType;
import org.springframework.security.test.context.support.WithMockUser;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.MockMvc;

/**
 * Teams and employees as an admin sends them, one by one or as CSV: every field at fault is named,
 * a CSV error names its line, and nothing is stored from a request that is refused.
 */
@WebMvcTest(PeopleController.class)
@WebSlice
@WithMockUser(roles = "ADMIN")
class PeopleRequestsTest {
    @Autowired
    MockMvc mvc;
    @MockitoBean
    AdvocacyStore store;
    @MockitoBean
    EmployeeLogins logins;

    @Test
    void anEmployeeWithoutANameAndWithAMalformedEmailIsRefusedNamingBothFieldsAndNothingIsStored() throws Exception {
        mvc.perform(put("/api/employees/ann").contentType(MediaType.APPLICATION_JSON)
                        .content("{\"email\":\"ann-at-example.com\",\"team\":\"sales\"}"))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.type").value("https://baton.dev/problems/invalid-request"))
                .andExpect(jsonPath("$.field").value("email"))
                .andExpect(jsonPath("$.errors[*].field").value(containsInAnyOrder("email", "name")))
                .andExpect(jsonPath("$.detail").value("email: 'ann-at-example.com' is not an email address;"
                        + " name: an employee needs a name"));
        verifyNoInteractions(store);
    }

    @Test
    void anIdThatCannotBeUsedInALinkIsRefusedWithTheRuleItBreaks() throws Exception {
        mvc.perform(put("/api/teams/{id}", "north east").contentType(MediaType.APPLICATION_JSON).content("{\"name\":\"North\"}"))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.field").value("id"))
                .andExpect(jsonPath("$.detail").value("id: 'north east' must be 1-100 letters, digits, '.', '_', '@' or '-'"));
        verifyNoInteractions(store);
    }

    @Test
    void aCsvImportWithAQuotedCommaIsStoredAndOneBadRowRefusesTheWholeFileNamingItsLine() throws Exception {
        when(store.teams()).thenReturn(List.of(new Team("sales", "Sales", null)));
        mvc.perform(post("/api/employees/import").contentType("text/csv").content("""
                        id,name,email,team
                        ann,"Ann Lee, PhD",Ann@Example.com,sales
                        """))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.imported").value(1));
        verify(store).putEmployees(List.of(new Employee("ann", "Ann Lee, PhD", "ann@example.com", "sales")));

        mvc.perform(post("/api/employees/import").contentType("text/csv").content("""
                        id,name,email,team
                        bob,Bob,bob@example.com,sales
                        cy,  ,cy@example.com,sales
                        """))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.field").value("name"))
                .andExpect(jsonPath("$.detail").value("line 3: name: an employee needs a name"));
        verify(store).putEmployees(anyList());
    }

    @Test
    void aLoginNeedsAPasswordOfTwelveCharacters() throws Exception {
        mvc.perform(put("/api/employees/ann/login").contentType(MediaType.APPLICATION_JSON).content("{\"password\":\"short\"}"))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.field").value("password"))
                .andExpect(jsonPath("$.detail", startsWith("password: a password of at least 12 characters")));
        verifyNoInteractions(logins);
    }

    @Test
    @WithMockUser(username = "ann", roles = "EMPLOYEE")
    void anEmployeeMayNotChangeTeamsOrEmployees() throws Exception {
        mvc.perform(put("/api/teams/sales").contentType(MediaType.APPLICATION_JSON).content("{\"name\":\"Sales\"}"))
                .andExpect(status().isForbidden());
        mvc.perform(put("/api/employees/ann/login").contentType(MediaType.APPLICATION_JSON).content("{\"password\":\"a-long-password\"}"))
                .andExpect(status().isForbidden());
        verifyNoInteractions(store, logins);
    }
}
