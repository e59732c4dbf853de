/**
 * Plans and their results: a {@link dev.lockplane.plan.Plan} is an ordered list of
 * {@link dev.lockplane.plan.Step}s that turns one schema into another, with the hashes of both and
 * its reverse; applying it yields an {@link dev.lockplane.plan.ApplyResult}; comparing a live
 * database with the desired state yields a {@link dev.lockplane.plan.DriftReport}.
 */
package dev.lockplane.plan;
