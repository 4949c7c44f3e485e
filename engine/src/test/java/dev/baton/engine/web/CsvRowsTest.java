package dev.baton.engine.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What an import reads from a spreadsheet's CSV, and where it says a bad one goes wrong. */
class CsvRowsTest {
    private static final List<String> ID_AND_NAME = List.of("id", "name");

    @Test
    void quotedCommasQuotesAndLineBreaksStayInsideTheirCell() {
        Map<Integer, Map<String, String>> rows = CsvRows.parse("""
                id,name,team
                acme,"Acme, Inc.",north
                bob, "Bob ""The Builder"" Jones" ,south
                multi,"first line
                second line",east
                """, ID_AND_NAME);

        assertThat(rows).containsOnlyKeys(2, 3, 4);
        assertThat(rows.get(2)).isEqualTo(Map.of("id", "acme", "name", "Acme, Inc.", "team", "north"));
        assertThat(rows.get(3).get("name")).isEqualTo("Bob \"The Builder\" Jones");
        assertThat(rows.get(4).get("name")).isEqualTo("first line\nsecond line");
    }

    @Test
    void rowsAreNumberedByTheLineTheyStartOnSkippingBlankLines() {
        Map<Integer, Map<String, String>> rows = CsvRows.parse("\uFEFFID , Name\r\n\r\na,\"two\nlines\"\r\n   \r\nb,B\r\n", ID_AND_NAME);

        assertThat(rows).containsOnlyKeys(3, 6);
        assertThat(rows.get(6)).isEqualTo(Map.of("id", "b", "name", "B"));
    }

    @Test
    void anUnterminatedQuoteIsRefusedNamingTheLineItStartsOn() {
        assertThatThrownBy(() -> CsvRows.parse("""
                id,name
                a,Alice
                b,"Bob
                c,Carol
                """, ID_AND_NAME))
                .isInstanceOf(CsvRows.InvalidCsvException.class)
                .hasMessageStartingWith("line 3: ")
                .hasMessageContaining("quote");
    }

    @Test
    void anUnquotedCommaIsRefusedSayingHowToQuoteIt() {
        assertThatThrownBy(() -> CsvRows.parse("id,name\nacme,Acme, Inc.\n", ID_AND_NAME))
                .isInstanceOf(CsvRows.InvalidCsvException.class)
                .hasMessageStartingWith("line 2: 3 cells, the header has 2")
                .hasMessageContaining("double quotes");
    }

    @Test
    void aMissingColumnOrAnEmptyCsvIsRefusedNamingTheHeader() {
        assertThatThrownBy(() -> CsvRows.parse("id,email\na,a@example.com\n", ID_AND_NAME))
                .hasMessage("line 1: missing column 'name'; expected at least [id, name]");
        assertThatThrownBy(() -> CsvRows.parse(" \n", ID_AND_NAME)).hasMessageStartingWith("empty CSV");
        assertThatThrownBy(() -> CsvRows.parse(null, ID_AND_NAME)).hasMessageStartingWith("empty CSV");
    }
}
