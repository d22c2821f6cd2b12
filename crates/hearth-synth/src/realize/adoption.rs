//! Adoption, from the decision to the adoption order; the adopted children are kept for
//! Annex A's List 11.

use hearth_domain::child::ChildEvent;

use super::{Case, Who, plus};
use crate::journey::{Adopted, AdoptionSteps};

impl Case<'_, '_> {
    /// The adoption plan: the decision, the placement order, the match, placement and the
    /// order, or the plan's end.
    pub(super) fn adoption(&mut self, a: &AdoptionSteps) {
        let child = self.child;
        self.events.push(
            a.decision,
            Who::Manager,
            ChildEvent::AdoptionDecisionMade { decided_on: None },
        );
        self.events.push(
            a.placement_order,
            Who::Worker,
            ChildEvent::PlacementOrderGranted {},
        );
        if let (Some(m), Some(p)) = (a.matched, a.placed) {
            self.events.push(
                m,
                Who::Worker,
                ChildEvent::AdoptionMatched {
                    adopter_sex: a.sex,
                    adopter_legal_status: a.legal,
                    foster_carers_adopting: a.foster_carers,
                    adopter: None,
                },
            );
            self.events.push(
                plus(p, 5 * 60_000_000),
                Who::Worker,
                ChildEvent::PlacedForAdoption {},
            );
            if let Some(o) = a.order {
                self.events
                    .push(o, Who::Worker, ChildEvent::AdoptionOrderGranted {});
            }
            if m <= self.borough.as_at {
                self.borough.adopted.push(Adopted {
                    child: child.id.clone(),
                    matched: m,
                    placed: p,
                    order: a.order.filter(|o| *o <= self.borough.as_at),
                    sex: a.sex,
                });
            }
        }
        if let Some((t, reason)) = a.ended {
            self.events
                .push(t, Who::Manager, ChildEvent::AdoptionPlanEnded { reason });
        }
    }
}
