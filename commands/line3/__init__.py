"""Line 3: engineers acknowledge escalations in their threads; SLA reminders; mirrored replies."""
