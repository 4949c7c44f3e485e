package dev.baton.engine.sales;

/**
 * What assignment knows of a hot lead.
 *
 * @param sharerTeam the team of the employee whose share brought the lead, or null
 */
public record Lead(String id, String country, String industry, String language, String sharerTeam) {
}
