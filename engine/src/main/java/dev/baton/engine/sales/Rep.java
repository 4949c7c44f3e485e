package dev.baton.engine.sales;

import java.util.List;

/**
 * A sales rep as assignment sees them.
 *
 * @param territories countries or regions they cover (ISO codes, e.g. DE, CN-SH); empty: anywhere
 * @param industries  industries or products they sell; empty: any
 * @param languages   languages they speak (en, zh, de); empty: any
 * @param capacity    at most this many open leads at once
 * @param openLeads   open leads now (kept by assignment, in the same transaction)
 */
public record Rep(String id, String name, String email, String team, List<String> territories, List<String> industries,
                  List<String> languages, int capacity, int openLeads, boolean outOfOffice) {
}
