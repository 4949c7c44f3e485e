package dev.baton.engine.advocacy;

import dev.baton.engine.web.Requests;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.Validator;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Teams and employees (the advocates), one by one or imported from CSV. */
@RestController
@RequestMapping("/api")
@Tag(name = "Advocacy", description = "Campaigns, employees and teams, share links, reach, attribution, points (admin login)")
class PeopleController {
    private final AdvocacyStore store;
    private final EmployeeLogins logins;
    private final Validator validator;

    PeopleController(AdvocacyStore store, EmployeeLogins logins, Validator validator) {
        this.store = store;
        this.logins = logins;
        this.validator = validator;
    }

    record Login(@NotNull(message = "required") @Size(min = 12, message = "a password of at least 12 characters") String password) {
    }

    record TeamRequest(String name, String manager) {
    }

    record EmployeeRequest(String name, String email, String team) {
    }

    record Imported(int imported) {
    }

    @Operation(summary = "Create or replace a team; manager is the employee id of its manager")
    @PutMapping("/teams/{id}")
    Team putTeam(@PathVariable String id, @RequestBody TeamRequest request) {
        Team team = team(id, request.name(), request.manager(), "");
        store.putTeams(List.of(team));
        return team;
    }

    @GetMapping("/teams")
    List<Team> teams() {
        return store.teams();
    }

    @Operation(summary = "Create or replace an employee; the team must exist")
    @PutMapping("/employees/{id}")
    Employee putEmployee(@PathVariable String id, @RequestBody EmployeeRequest request) {
        Employee employee = employee(id, request.name(), request.email(), request.team(), "");
        if (store.team(employee.team()) == null) {
            throw new InvalidAdvocacyRequestException("team", "no team '" + employee.team() + "'; create it first (PUT /api/teams/{id})");
        }
        store.putEmployees(List.of(employee));
        return employee;
    }

    @GetMapping("/employees")
    List<Employee> employees(@RequestParam(required = false) String team) {
        return store.employees(team);
    }

    @Operation(summary = "Give an employee a login (or a new password) for their own view",
            description = "The employee logs in to the console or calls /api/me with their id and this password; they see"
                    + " only their own links, reach, leads and points.")
    @PutMapping("/employees/{id}/login")
    @org.springframework.web.bind.annotation.ResponseStatus(org.springframework.http.HttpStatus.NO_CONTENT)
    void login(@PathVariable String id, @Valid @RequestBody Login login) {
        Employee employee = store.employee(id);
        if (employee == null) {
            throw new AdvocacyNotFoundException("no employee '" + id + "'");
        }
        logins.setPassword(employee, login.password());
    }

    @Operation(summary = "Import teams from CSV (header: id,name,manager); all rows or none")
    @PostMapping(path = "/teams/import", consumes = "text/csv")
    Imported importTeams(@RequestBody String csv) {
        List<Team> teams = new ArrayList<>();
        for (Map.Entry<Integer, Map<String, String>> row : dev.baton.engine.web.CsvRows.parse(csv, List.of("id", "name")).entrySet()) {
            Map<String, String> r = row.getValue();
            teams.add(team(r.get("id"), r.get("name"), r.get("manager"), "line " + row.getKey() + ": "));
        }
        store.putTeams(teams);
        return new Imported(teams.size());
    }

    @Operation(summary = "Import employees from CSV (header: id,name,email,team); every team must exist; all rows or none")
    @PostMapping(path = "/employees/import", consumes = "text/csv")
    Imported importEmployees(@RequestBody String csv) {
        Set<String> known = new HashSet<>(store.teams().stream().map(Team::id).toList());
        List<Employee> employees = new ArrayList<>();
        for (Map.Entry<Integer, Map<String, String>> row : dev.baton.engine.web.CsvRows.parse(csv, List.of("id", "name")).entrySet()) {
            Map<String, String> r = row.getValue();
            String where = "line " + row.getKey() + ": ";
            Employee employee = employee(r.get("id"), r.get("name"), r.get("email"), r.get("team"), where);
            if (!known.contains(employee.team())) {
                throw new InvalidAdvocacyRequestException("team", where + "no team '" + employee.team() + "'; import teams first");
            }
            employees.add(employee);
        }
        store.putEmployees(employees);
        return new Imported(employees.size());
    }

    /** A team as sent (JSON or a CSV row), trimmed, when its annotations hold. */
    private Team team(String id, String name, String manager, String where) {
        return Requests.valid(validator, new Team(id, strip(name), strip(manager)), where);
    }

    /** An employee as sent (JSON or a CSV row), trimmed and the email in lower case, when its annotations hold. */
    private Employee employee(String id, String name, String email, String team, String where) {
        String address = strip(email);
        return Requests.valid(validator, new Employee(id, strip(name), address == null ? null : address.toLowerCase(Locale.ROOT),
                team), where);
    }

    /** Null for a blank or missing value, else the value without surrounding spaces. */
    private static String strip(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }
}
