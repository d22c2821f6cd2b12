//! Who is acting: the member of staff behind a request or a command, as the workforce says
//! they are now.

use chrono::NaiveDate;
use hearth_domain::codes::StaffRole;
use hearth_domain::directory::MemoryDirectory;
use hearth_domain::{Actor, StaffId, TeamId};

/// The member of staff acting, with the role and team every decision turns on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    /// Their staff record.
    pub staff: StaffId,
    /// Their role.
    pub role: StaffRole,
    /// Their team.
    pub team: TeamId,
}

impl Principal {
    /// Who `staff` is on `date`, from the workforce as it now stands: nobody once they have
    /// left (or before they join), so a leaver's sign-in and sessions stop at once, and a
    /// new role or team counts from the next decision.
    pub fn in_post(staff: &StaffId, workforce: &MemoryDirectory, date: NaiveDate) -> Option<Self> {
        let member = workforce.staff.get(staff)?;
        member.in_post_on(date).then(|| Principal {
            staff: staff.clone(),
            role: member.role,
            team: member.team.clone(),
        })
    }

    /// The author of what they record.
    pub fn actor(&self) -> Actor {
        Actor::Staff(self.staff.clone())
    }
}
