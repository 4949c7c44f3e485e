package dev.baton.engine.advocacy;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
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
    private static final java.util.regex.Pattern ID = java.util.regex.Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@-]{0,99}");
    private final AdvocacyStore store;

    private final EmployeeLogins logins;

    PeopleController(AdvocacyStore store, EmployeeLogins logins) {
        this.store = store;
        this.logins = logins;
    }

    record Login(String password) {
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
    void login(@PathVariable String id, @RequestBody Login login) {
        Employee employee = store.employee(id);
        if (employee == null) {
            throw new AdvocacyNotFoundException("no employee '" + id + "'");
        }
        if (login == null || login.password() == null || login.password().length() < 12) {
            throw new InvalidAdvocacyRequestException("password", "a password of at least 12 characters");
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

    private static Team team(String id, String name, String manager, String where) {
        requireId(id, "id", where);
        if (name == null || name.isBlank()) {
            throw new InvalidAdvocacyRequestException("name", where + "a team needs a name");
        }
        return new Team(id, name.strip(), manager == null || manager.isBlank() ? null : manager.strip());
    }

    private static Employee employee(String id, String name, String email, String team, String where) {
        requireId(id, "id", where);
        if (name == null || name.isBlank()) {
            throw new InvalidAdvocacyRequestException("name", where + "an employee needs a name");
        }
        if (email != null && !email.isBlank() && !email.contains("@")) {
            throw new InvalidAdvocacyRequestException("email", where + "'" + email + "' is not an email address");
        }
        requireId(team, "team", where);
        return new Employee(id, name.strip(), email == null || email.isBlank() ? null : email.strip().toLowerCase(), team);
    }

    private static void requireId(String id, String field, String where) {
        if (id == null || !ID.matcher(id).matches()) {
            throw new InvalidAdvocacyRequestException(field, where + field + " '" + id
                    + "' must be 1-100 letters, digits, '.', '_', '@' or '-'");
        }
    }
}
