package dev.baton.engine.advocacy;

import static org.hamcrest.Matchers.contains;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import dev.baton.engine.testing.WebSlice;
import org.camunda.bpm.engine.RepositoryService;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.web.servlet.WebMvcTest;
import org.springframework.http.MediaType;
import org.springframework.security.test.context.support.WithMockUser;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.MockMvc;

/** A campaign as a marketer's tool sends it, with the slips such tools make: each named, nothing stored. */
@WebMvcTest(CampaignController.class)
@WebSlice
@WithMockUser(roles = "ADMIN")
class CampaignRequestsTest {
    @Autowired
    MockMvc mvc;
    @MockitoBean
    AdvocacyStore store;
    @MockitoBean
    RepositoryService repository;

    @Test
    void aNullContentItemAndAnAddressThatIsNotTheWebAreNamedByTheirPlaceInTheList() throws Exception {
        mvc.perform(post("/api/campaigns").contentType(MediaType.APPLICATION_JSON).content("""
                        {"name":"Spring launch","teams":["emea"],
                         "contents":[null,{"title":"Guide","url":"ftp://example.com/guide"}]}"""))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.errors[*].field").value(contains("contents[0]", "contents[1].url")))
                .andExpect(jsonPath("$.detail").value("contents[0]: a content item, not null;"
                        + " contents[1].url: 'ftp://example.com/guide' is not an http(s) address"));
        verifyNoInteractions(store, repository);
    }

    @Test
    void aCampaignWithoutContentOrANullTeamIsRefused() throws Exception {
        mvc.perform(post("/api/campaigns").contentType(MediaType.APPLICATION_JSON).content("""
                        {"name":"Spring launch","teams":[null],"contents":[]}"""))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.errors[*].field").value(contains("contents", "teams[0]")));
        verifyNoInteractions(store, repository);
    }
}
